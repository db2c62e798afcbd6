// The trace views on a 1,000,000-event run: how long the index, the filters, the groups, the charts'
// data and the run file take. Run with `node bench/trace/run.mjs [--events N]`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_QUERY, QueryMatcher, type EventQuery } from '../../app/trace/event-query';
import type { TraceEvent } from '../../app/trace/events';
import { decodeArgs } from '../../app/trace/decode-args';
import { TraceIndex } from '../../app/trace/trace-index';
import { RunRecorder } from '../../main/backend/run-recorder';
import { SavedRuns } from '../../main/backend/saved-runs';
import { eventMatches } from '../../renderer/components/event-table/event-cells';
import { FilteredRows } from '../../renderer/components/event-table/filtered-rows';
import { GroupedRows } from '../../renderer/components/event-table/grouped-rows';
import { timelineData } from '../../renderer/components/trace-charts/timeline-data';
import { ChunkedBuffer } from '../../renderer/state/event-buffer';
import { syntheticTrace } from './synthetic-trace';

interface Figure {
  readonly what: string;
  readonly ms: number;
}

export async function runTraceBenchmark(argv: readonly string[]): Promise<number> {
  const at = argv.indexOf('--events');
  const count = at >= 0 ? Number(argv[at + 1]) : 1_000_000;
  if (!Number.isSafeInteger(count) || count < 1) {
    process.stderr.write('bench: --events takes a positive whole number\n');
    return 2;
  }
  const events = syntheticTrace(count);
  const buffer = new ChunkedBuffer<TraceEvent>();
  buffer.append(events);
  const figures: Figure[] = [];
  const time = (what: string, run: () => void, repeat = 3): void => {
    const samples: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const start = performance.now();
      run();
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    figures.push({ what, ms: samples[Math.floor(samples.length / 2)] ?? 0 });
  };

  let index = new TraceIndex(buffer);
  time('index the run (once per run)', () => {
    index = new TraceIndex(buffer);
    index.catchUp();
  });
  const query = (q: Partial<EventQuery>): EventQuery => ({ ...EMPTY_QUERY, ...q });
  time('filter: text "openat" (all events)', () =>
    new FilteredRows(index, query({ text: 'openat' })).update(),
  );
  time('filter: syscall read (its own event list)', () =>
    new FilteredRows(index, query({ syscall: 'read' })).update(),
  );
  time('filter: pid + denied', () =>
    new FilteredRows(index, query({ pid: 1003, category: 'denied' })).update(),
  );
  time('filter: output text "line 7"', () =>
    new FilteredRows(index, query({ text: 'line 7' })).update(),
  );
  time('group by syscall (all events)', () => {
    const rows = new FilteredRows(index, EMPTY_QUERY);
    rows.update();
    new GroupedRows(rows).update();
  });
  time('histogram data', () => index.syscallTotals());
  time('timeline data (400 buckets)', () => timelineData(index, { buckets: 400, maxLanes: 16 }));
  time(
    'decode the arguments of one screen (50 rows)',
    () => {
      for (let row = 0; row < 50; row++) {
        const event = buffer.at(count - 1 - row);
        if (event && (event.type === 'syscall' || event.type === 'denied')) decodeArgs(event);
      }
    },
    9,
  );

  // A live run: one more batch arrives; the filtered view catches up with it alone.
  const live = new ChunkedBuffer<TraceEvent>();
  live.append(events);
  const liveIndex = new TraceIndex(live);
  const liveRows = new FilteredRows(liveIndex, query({ text: 'openat' }));
  liveRows.update();
  const batch = events.slice(0, 5000);
  time(
    'a 5,000-event batch arrives (index + filtered view)',
    () => {
      live.append(batch);
      liveRows.update();
    },
    9,
  );
  const matcher = new QueryMatcher(index, query({ text: 'mmap' }), eventMatches);
  time('text test per event, label-cached (all events)', () => {
    for (let i = 0; i < index.length; i++) matcher.matches(i);
  });

  const dir = mkdtempSync(join(tmpdir(), 'trace-bench-'));
  try {
    const recorder = new RunRecorder({ dir, studioVersion: 'bench' });
    let id = '';
    let start = performance.now();
    const recording = recorder.start({
      runId: 'bench-run',
      mode: 'learn',
      policy: { name: 'bench' },
      policyText: '',
    });
    for (let i = 0; i < events.length; i += 5000) recording.append(events.slice(i, i + 5000));
    await recording.finish({ state: 'exited', message: 'done' });
    id = recording.id;
    figures.push({
      what: 'record the run to its file (NDJSON, fdatasync)',
      ms: performance.now() - start,
    });
    const bytes = statSync(recording.path).size;

    const saved = new SavedRuns(dir);
    start = performance.now();
    let page = await saved.open(id);
    let read = page.events.length;
    while (page.next) {
      page = await saved.open(id, page.next);
      read += page.events.length;
    }
    figures.push({
      what: `reopen: read and validate every page (${read.toLocaleString('en-US')} events)`,
      ms: performance.now() - start,
    });
    start = performance.now();
    await saved.summary(id);
    figures.push({
      what: 'summary for compare (from the end record)',
      ms: performance.now() - start,
    });
    print(count, figures, bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

function print(count: number, figures: readonly Figure[], bytes: number): void {
  const width = Math.max(...figures.map((f) => f.what.length));
  process.stdout.write(
    `\nTrace views on ${count.toLocaleString('en-US')} events (median of 3–9 runs)\n`,
  );
  for (const figure of figures) {
    process.stdout.write(
      `  ${figure.what.padEnd(width)}  ${figure.ms.toFixed(1).padStart(9)} ms\n`,
    );
  }
  process.stdout.write(`  run file size: ${(bytes / 1e6).toFixed(1)} MB\n`);
}
