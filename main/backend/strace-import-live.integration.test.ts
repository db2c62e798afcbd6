import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { straceRun } from '../../app/formats/strace-trace';
import { TraceEvent, type SyscallEvent } from '../../app/trace/events';
import { SavedRuns } from './saved-runs';
import { StraceUploads } from './strace-import-uploads';

/*
 * Logs written by strace itself on this machine (-f -y -tt, and -f -yy -r), imported a piece at
 * a time as the studio sends them: the saved run reads like a live one, with the paths and fd
 * targets strace showed, every constant evaluated, and times from the first line.
 */

const straceAvailable = spawnSync('sh', ['-c', 'command -v strace']).status === 0;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-strace-live-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function trace(name: string, flags: string[], script: string): Promise<string> {
  const log = join(dir, name);
  spawnSync('strace', [...flags, '-o', log, '--', 'sh', '-c', script], { stdio: 'ignore' });
  return readFile(log, 'utf8');
}

async function importInPieces(fileName: string, log: string, size = 4096): Promise<TraceEvent[]> {
  const runs = join(dir, 'runs');
  const uploads = new StraceUploads({ dir: runs, studioVersion: '1' });
  let result = await uploads.chunk({ fileName, text: log.slice(0, size), final: false });
  for (let offset = size; ; offset += size) {
    if (!('uploadId' in result)) throw new Error(JSON.stringify(result));
    const text = log.slice(offset, offset + size);
    const final = offset + size >= log.length;
    result = await uploads.chunk({ uploadId: result.uploadId, offset, text, final });
    if (final) break;
  }
  if (!('id' in result)) throw new Error(JSON.stringify(result));
  const saved = new SavedRuns(runs);
  const events: TraceEvent[] = [];
  let cursor;
  do {
    const page = await saved.open(result.id, cursor);
    events.push(...page.events);
    cursor = page.next ?? undefined;
  } while (cursor);
  return events;
}

const syscalls = (events: readonly TraceEvent[], name: string) =>
  events.filter((e): e is SyscallEvent => e.type === 'syscall' && e.name === name);

describe.runIf(straceAvailable)('strace logs of this machine, imported in pieces', () => {
  it('strace -f -y -tt: paths, fd targets and constants, as a live run has them', async () => {
    const log = await trace(
      'cat.log',
      ['-f', '-y', '-tt'],
      'cat /etc/hostname >/dev/null & wait; exit 3',
    );
    const events = await importInPieces('cat.log', log);
    expect(events).toEqual(straceRun(log).events);
    // No warnings: every constant strace wrote is known.
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    for (const event of events) expect(TraceEvent.safeParse(event).success).toBe(true);
    expect(events.filter((e) => e.type === 'exec').map((e) => e.type === 'exec' && e.path)).toEqual(
      ['/usr/bin/sh', '/usr/bin/cat'],
    );
    const [access] = syscalls(events, 'access');
    expect(access).toMatchObject({ strings: { '0': '/etc/ld.so.preload' } });
    expect(access?.args[1]).toBe('0x4'); // R_OK
    const open = syscalls(events, 'openat').find((e) => e.strings?.['1'] === '/etc/hostname');
    expect(open).toMatchObject({ args: expect.arrayContaining(['0xffffffffffffff9c']) });
    expect(open?.fds?.['0']).toBe(process.cwd());
    const reads = syscalls(events, 'read').filter((e) => e.fds?.['0'] === '/etc/hostname');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0]?.strings).toBeUndefined();
    expect(syscalls(events, 'write')[0]?.fds).toEqual({ '0': '/dev/null' });
    expect(events.filter((e) => e.type === 'exit').at(-1)).toMatchObject({ code: 3 });
    const times = events.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBeGreaterThan(0);
  });

  it('strace -f -yy -r: pipes and devices, and times added up from the line before', async () => {
    const log = await trace('pipe.log', ['-f', '-yy', '-r'], 'echo hi | cat >/dev/null');
    const events = await importInPieces('pipe.log', log, 1000);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const targets = new Set(
      events.flatMap((e) => (e.type === 'syscall' ? Object.values(e.fds ?? {}) : [])),
    );
    expect([...targets].some((t) => /^pipe:\[\d+\]$/.test(t))).toBe(true);
    expect(targets).toContain('/dev/null');
    const times = events.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // -r counts from the line before: the last line is the sum of them all, not one small step.
    const deltas = log
      .split('\n')
      .map((line) => /^\d+\s+(\d+\.\d+) /.exec(line)?.[1])
      .filter((d) => d !== undefined)
      .map(Number);
    const total = deltas.reduce((a, b) => a + b, 0) * 1000;
    expect(times.at(-1)).toBeCloseTo(total - (deltas[0] ?? 0) * 1000, 0);
  });
});
