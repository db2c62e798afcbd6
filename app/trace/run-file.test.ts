import { describe, expect, it } from 'vitest';
import {
  RunFileError,
  parseRunFileHeader,
  parseRunFileLine,
  runFileLine,
  savedRunId,
  SavedRunId,
  type RunFileEnd,
  type RunFileHeader,
} from './run-file';
import { summarizeEvents } from './run-summary';
import { te } from './trace-test-events';

const HEADER: RunFileHeader = {
  format: 'sandbox-studio-run',
  formatVersion: 1,
  runId: 'a1b2c3d4-0000',
  mode: 'learn',
  policyName: 'ls',
  command: ['/bin/ls', '/'],
  startedAt: '2025-11-23T15:06:12.000Z',
  studioVersion: '0.1.0',
};

describe('run files', () => {
  it('round-trips the header, events and the end record', () => {
    expect(parseRunFileHeader(runFileLine(HEADER).trimEnd())).toEqual(HEADER);
    const event = te.syscall('openat', 1.5, 10);
    expect(parseRunFileLine(runFileLine(event), 2)).toEqual({ kind: 'event', event });
    const end: RunFileEnd = {
      format: 'sandbox-studio-run-end',
      endedAt: '2025-11-23T15:06:13.000Z',
      state: 'exited',
      message: 'the process exited with status 0',
      events: 1,
      summary: summarizeEvents([event]),
    };
    expect(parseRunFileLine(runFileLine(end), 3)).toEqual({ kind: 'end', end });
  });

  it('writes one line per record', () => {
    expect(runFileLine(te.stdout('a\nb', 0))).toBe('{"type":"stdout","t":0,"data":"a\\nb"}\n');
  });

  it('says where a line is wrong', () => {
    expect(() => parseRunFileLine('{"type":"syscall",', 7)).toThrow(
      /^line 7, column \d+: not JSON/,
    );
    expect(() => parseRunFileLine('[1]', 3)).toThrow('line 3, column 1: expected a JSON object');
    expect(() => parseRunFileLine('{"type":"nope","t":1}', 4)).toThrow(
      /^line 4, column 1: not a trace event: type/,
    );
    expect(() => parseRunFileLine('{"format":"sandbox-studio-run-end"}', 9)).toThrow(
      /line 9.*invalid end record/,
    );
    expect(() => parseRunFileHeader('{"format":"other"}')).toThrow(
      /line 1.*not a sandbox-studio run file header: format/,
    );
    try {
      parseRunFileLine('{"type":', 5);
    } catch (error) {
      expect(error).toBeInstanceOf(RunFileError);
      expect((error as RunFileError).line).toBe(5);
      expect((error as RunFileError).column).toBeGreaterThan(1);
    }
  });

  it('names saved runs by start time, mode and run id', () => {
    const id = savedRunId(new Date('2025-11-23T15:06:12.345Z'), 'check', 'f0e1d2c3-aaaa-bbbb');
    expect(id).toBe('20251123-150612-check-f0e1d2c3');
    expect(SavedRunId.safeParse(id).success).toBe(true);
    expect(savedRunId(new Date(0), 'learn', '---')).toBe('19700101-000000-learn-run');
  });

  it('accepts only ids that are plain file names', () => {
    for (const bad of ['', '.hidden', '../x', 'a/b', 'a\\b', 'a..b', 'x'.repeat(81), 'a b', 'a\0b'])
      expect(SavedRunId.safeParse(bad).success, bad).toBe(false);
    expect(SavedRunId.safeParse('20251123-150612-learn-1a2b3c4d').success).toBe(true);
  });
});
