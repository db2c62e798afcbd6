import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceEvent } from '../../app/trace/events';
import { SavedRuns } from '../backend/saved-runs';
import { parseCliArgs } from './args';
import { CliError, UsageError } from './cli-error';
import type { CliIo } from './cli-io';
import { importCommand, workspaceRunsDir, type ImportOptions } from './import-command';

const LOG = `300 execve("/usr/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0
300 brk(NULL) = 0x55a73a7ee000
300 <... read resumed>"", 10) = 0
300 exit_group(0) = ?
300 +++ exited with 0 +++
`;

let dir: string;
let log: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-import-strace-'));
  log = join(dir, 'true.log');
  await writeFile(log, LOG);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(options: Omit<ImportOptions, 'format'>) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
  const code = await importCommand({ format: 'strace', ...options }, io);
  return { code, out, err };
}

function usageError(argv: string[]): UsageError {
  try {
    parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('import strace --trace / --save: arguments', () => {
  it('parses --trace, --save and --workspace', () => {
    expect(parseCliArgs(['import', 'strace', 'l.log', '--trace'])).toEqual({
      kind: 'import',
      format: 'strace',
      file: 'l.log',
      trace: true,
    });
    expect(
      parseCliArgs(['import', 'strace', 'l.log', '--save', '-w', 'ws', '--arch', 'i386']),
    ).toEqual({
      kind: 'import',
      format: 'strace',
      file: 'l.log',
      arch: 'i386',
      save: true,
      workspace: 'ws',
    });
  });

  it('refuses options that mean nothing for the format', () => {
    expect(usageError(['import', 'oci', 'p.json', '--trace']).message).toBe(
      '--trace and --save read an strace log: import strace FILE',
    );
    expect(usageError(['import', 'bpf', 'f', '--save']).command).toBe('import');
    expect(usageError(['import', 'strace', 'l.log', '-w', 'ws']).message).toBe(
      '--workspace says where --save puts the run: add --save',
    );
    expect(usageError(['import', 'strace', 'l.log', '--caps', 'KILL']).message).toBe(
      '--caps and --kernel describe a container host: oci or k8s only',
    );
    expect(usageError(['import', 'systemd', 'u', '--kernel', '6.1']).message).toMatch(/oci or k8s/);
    expect(usageError(['import', 'oci', 'p.json', '--kernel', 'six']).message).toBe(
      '--kernel is a version like 6.1 (got six)',
    );
    expect(parseCliArgs(['import', 'k8s', 'p.yaml', '--kernel', '5.15.0'])).toMatchObject({
      kernel: '5.15.0',
    });
  });
});

describe('import strace --trace / --save', () => {
  it('prints the trace as NDJSON events, the warnings on stderr', async () => {
    const r = await run({ file: log, trace: true });
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    const events = lines.map((line) => TraceEvent.parse(JSON.parse(line)));
    expect(events.map((e) => e.type)).toEqual([
      'syscall',
      'exec',
      'syscall',
      'syscall',
      'syscall',
      'exit',
    ]);
    expect(lines[0]).toBe(JSON.stringify(events[0]));
    expect(r.err).toBe(`${log}:3:1: warning: read resumed without its start (the log was cut?)\n`);
  });

  it('saves the trace where serve --workspace lists it, and still prints the policy', async () => {
    const workspace = join(dir, 'ws');
    const r = await run({ file: log, save: true, workspace });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Learned by sandbox-studio/);
    const runsDir = workspaceRunsDir(workspace);
    expect(runsDir).toBe(join(workspace, '.sandbox-studio', 'runs'));
    const [file] = await readdir(runsDir);
    const id = file!.replace(/\.ndjson$/, '');
    expect(r.err).toContain(`saved the trace as run ${id}: ${join(runsDir, file!)}\n`);
    const { runs } = await new SavedRuns(runsDir).list();
    expect(runs).toMatchObject([
      { id, mode: 'learn', importedFrom: { format: 'strace', fileName: log }, events: 7 },
    ]);
  });

  it('prints and saves with both', async () => {
    const workspace = join(dir, 'both');
    const r = await run({ file: log, trace: true, save: true, workspace });
    expect(r.out.trimEnd().split('\n')).toHaveLength(6);
    expect(await readdir(workspaceRunsDir(workspace))).toHaveLength(1);
  });

  it('reports a malformed log as FILE:LINE:COL: error, exit 2, and saves nothing', async () => {
    const bad = join(dir, 'bad.log');
    await writeFile(bad, `${LOG}not strace\n`);
    const workspace = join(dir, 'bad-ws');
    const error = await run({ file: bad, trace: true, save: true, workspace }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({
      exitCode: 2,
      message: `${bad}:6:1: error: not a line of strace output: "not strace"`,
    });
    await expect(readdir(workspaceRunsDir(workspace))).rejects.toThrow(/ENOENT/);
  });

  it('says why the run cannot be saved', async () => {
    const blocker = join(dir, 'blocked');
    await writeFile(blocker, 'a file where the workspace would be');
    const error = await run({ file: log, save: true, workspace: blocker }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(
        /^cannot save the run in .*blocked\/\.sandbox-studio\/runs: .*\(ENOTDIR\)$/,
      ),
    });
  });

  it('refuses --trace for another format when called directly', async () => {
    const error = await importCommand(
      { format: 'oci', file: log, trace: true },
      { stdout: () => undefined, stderr: () => undefined },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
  });
});
