import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceEvent } from '../../app/trace/events';

/** A policy that allows nothing: learn mode then reports every syscall from execve on. */
const RECORD_EVERYTHING = `version: 1
name: record every syscall (what-if benchmark)
linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules: []
`;

/** The events of `learn --json` for `command`, as the studio receives them. Needs dist/. */
export function recordLearnEvents(root: string, command: readonly string[]): TraceEvent[] {
  const cli = join(root, 'dist', 'main', 'cli.mjs');
  if (!existsSync(cli)) throw new Error('dist/main/cli.mjs is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'bench-whatif-'));
  try {
    const policy = join(dir, 'record.sandbox.yaml');
    writeFileSync(policy, RECORD_EVERYTHING);
    const run = spawnSync(process.execPath, [cli, 'learn', '--json', policy, '--', ...command], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) {
      throw new Error(`learn mode failed (${run.status}): ${run.stderr.trim().slice(-2000)}`);
    }
    return parseLearnOutput(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The JSON lines of `learn --json` output (the summary lines after them are not events). */
export function parseLearnOutput(stdout: string): TraceEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line, i) => {
      const parsed = TraceEvent.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`learn --json line ${i + 1} is not an event: ${line}`);
      return parsed.data;
    });
}
