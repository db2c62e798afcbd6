import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceEvent } from '../../app/trace/events';
import { SavedRuns } from '../backend/saved-runs';
import { projectRoot } from '../paths';
import { workspaceRunsDir } from './import-command';

// The bundled CLI (`npm run build`) on logs written by strace itself.
const root = projectRoot();
const bin = join(root, 'bin', 'sandbox-studio.mjs');
const ready =
  existsSync(join(root, 'dist/main/cli.mjs')) &&
  spawnSync('sh', ['-c', 'command -v strace']).status === 0;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let log: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-strace-trace-it-'));
  log = join(dir, 'sh.log');
  const traced = spawnSync(
    'strace',
    ['-f', '-tt', '-o', log, '--', 'sh', '-c', 'ls / >/dev/null; exit 3'],
    { stdio: 'ignore' },
  );
  expect(traced.status).toBe(3);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(ready)('sandbox-studio import strace --trace (real strace logs)', () => {
  it('prints every event of the log as one JSON line, in time order', async () => {
    const r = await cli(['import', 'strace', log, '--trace']);
    expect(r.code).toBe(0);
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => TraceEvent.parse(JSON.parse(line)));
    const execs = events.filter((e) => e.type === 'exec');
    expect(execs.map((e) => e.type === 'exec' && e.path)).toEqual(['/usr/bin/sh', '/usr/bin/ls']);
    const [sh, ls] = execs;
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'process', pid: ls!.pid, ppid: sh!.pid }),
    );
    expect(events.filter((e) => e.type === 'exit')).toEqual([
      expect.objectContaining({ pid: ls!.pid, code: 0 }),
      expect.objectContaining({ pid: sh!.pid, code: 3 }),
    ]);
    const names = new Set(events.filter((e) => e.type === 'syscall').map((e) => e.name));
    for (const name of ['execve', 'openat', 'getdents64', 'write', 'wait4', 'exit_group']) {
      expect(names).toContain(name);
    }
    const times = events.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('saves the same trace as a run that the studio lists', async () => {
    const workspace = join(dir, 'ws');
    const printed = await cli(['import', 'strace', log, '--trace', '--save', '-w', workspace]);
    expect(printed.code).toBe(0);
    const id = /saved the trace as run (\S+):/.exec(printed.stderr)?.[1];
    expect(id).toBeDefined();
    const saved = new SavedRuns(workspaceRunsDir(workspace));
    const { runs } = await saved.list();
    expect(runs).toMatchObject([
      {
        id,
        mode: 'learn',
        command: ['/usr/bin/sh', '-c', 'ls / >/dev/null; exit 3'],
        importedFrom: { format: 'strace', fileName: log },
        state: 'exited',
        message: `imported from the strace log ${log}: the process exited with status 3`,
      },
    ]);
    const events: TraceEvent[] = [];
    let cursor;
    do {
      const page = await saved.open(id!, cursor);
      events.push(...page.events);
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(events.map((e) => JSON.stringify(e)).join('\n')).toBe(printed.stdout.trimEnd());
  });

  it('stops at a malformed line with FILE:LINE:COL and exit 2', async () => {
    const bad = join(dir, 'bad.log');
    await appendFile(bad, await readFile(log, 'utf8'));
    const lines = (await readFile(bad, 'utf8')).split('\n').length;
    await appendFile(bad, 'this is not strace output\n');
    const r = await cli(['import', 'strace', bad, '--trace']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${bad}:${lines}:1: error: not a line of strace output`);
  });
});
