import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceEvent } from '../app/trace/events';
import { syscallNumber } from '../app/linux/syscalls';

/** One recorded syscall of a real run, as a seccomp filter sees it (x86_64). */
export interface TracedCall {
  readonly name: string;
  readonly nr: number;
  readonly args: readonly bigint[];
}

export interface Trace {
  readonly description: string;
  readonly calls: readonly TracedCall[];
}

const RECORD_EVERYTHING = `version: 1
name: record every syscall (benchmark)
linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules: []
`;

/**
 * Runs the command under our learn mode with a policy that allows nothing, so that every syscall
 * from execve on is reported with its raw arguments (`learn --json`). Needs dist/ (npm run build).
 */
export function recordWithLearnMode(root: string, command: readonly string[]): Trace {
  const dir = mkdtempSync(join(tmpdir(), 'bench-learn-'));
  try {
    const policy = join(dir, 'record.sandbox.yaml');
    writeFileSync(policy, RECORD_EVERYTHING);
    const cli = join(root, 'dist', 'main', 'cli.mjs');
    const run = spawnSync(process.execPath, [cli, 'learn', '--json', policy, '--', ...command], {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    if (run.status !== 0) {
      throw new Error(`learn mode failed (${run.status}): ${run.stderr.trim().slice(-2000)}`);
    }
    const calls = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => TraceEvent.parse(JSON.parse(line)))
      .flatMap((event): TracedCall[] =>
        event.type === 'syscall' && event.arch === 'x86_64'
          ? [{ name: event.name, nr: event.nr, args: event.args.map((a) => BigInt(a)) }]
          : [],
      );
    return { description: `learn --json: ${command.join(' ')}`, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `PID [ NR] name(a, b, c` with raw (hex or decimal) arguments; resumed halves are skipped.
const STRACE_LINE = /^\d+ +\[ *(\d+)\] ([a-z0-9_]+)\(([^)]*?)(?:\) +=|\)$| <unfinished)/;

export function parseStraceRaw(text: string): TracedCall[] {
  return text.split('\n').flatMap((line): TracedCall[] => {
    const match = STRACE_LINE.exec(line);
    if (!match) return [];
    const [, nr = '', name = '', rawArgs = ''] = match;
    const args = rawArgs
      .replace(/,\s*$/, '')
      .split(', ')
      .filter((a) => a !== '')
      .map((a) => (/^(0x[0-9a-f]+|\d+)$/.test(a) ? BigInt(a) : 0n));
    return [{ name, nr: Number(nr), args }];
  });
}

/** Records a shell command with `strace -f -n -e raw=all` (every process, raw arguments). */
export function recordWithStrace(shellCommand: string): Trace {
  const dir = mkdtempSync(join(tmpdir(), 'bench-strace-'));
  try {
    const out = join(dir, 'trace.txt');
    execFileSync(
      'strace',
      ['-f', '-qq', '-n', '-e', 'raw=all', '-o', out, 'sh', '-c', shellCommand],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const calls = parseStraceRaw(readFileSync(out, 'utf8')).filter(
      (c) => syscallNumber('x86_64', c.name) === c.nr,
    );
    return { description: `strace -f: ${shellCommand}`, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
