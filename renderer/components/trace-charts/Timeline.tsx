import { useCallback, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { ProcessNode } from '../../../app/trace/process-tree';
import { NO_ID } from '../../../app/trace/trace-index';
import { traceIndexOf } from '../../state/trace-index-cache';
import { selectColorTheme } from '../../state/ui-store';
import { useProcessTree } from '../process-tree/use-process-tree';
import { useRuns, useStudio, useUi } from '../studio-context';
import { chartColors } from './chart-colors';
import { intensity, timelineData, type TimelineData } from './timeline-data';
import { UplotChart, type ChartSize } from './UplotChart';
import { useThrottled } from './use-throttled';

const MAX_LANES = 16;
const BUCKET_PIXELS = 3;

interface Range {
  readonly from: number;
  readonly to: number;
}

/**
 * Events over time, one lane per process: darker where more events happened, a red mark where
 * a syscall was denied. Drag across the chart to zoom into a time range; click a lane to list
 * that process's events.
 */
export function Timeline() {
  const { stores } = useStudio();
  const events = useRuns((s) => s.events);
  const version = useThrottled(
    useRuns((s) => s.eventsVersion),
    500,
  );
  const theme = useUi(selectColorTheme);
  const programs = usePrograms();
  const [width, setWidth] = useState(600);
  const [range, setRange] = useState<Range | null>(null);
  const holder = useRef<HTMLDivElement>(null);

  const data = useMemo(() => {
    const index = traceIndexOf(events);
    if (version >= 0) index.catchUp();
    return timelineData(index, {
      buckets: Math.max(20, Math.floor(width / BUCKET_PIXELS)),
      maxLanes: MAX_LANES,
      programs,
      ...(range ? { range } : {}),
    });
  }, [events, version, width, range, programs]);
  const current = useRef(data);
  current.current = data;

  const lanes = data.lanes.map((lane) => lane.label).join('\u0000');
  const options = useCallback(
    (size: ChartSize) =>
      timelineOptions(size, holder.current, current, {
        onZoom: (from, to) => setRange(to - from > 1e-3 ? { from, to } : null),
        onPick: (pid) => stores.traceView.getState().showProcess(pid),
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [theme, lanes, stores],
  );
  const plotted = useMemo<uPlot.AlignedData>(
    () => [data.times, Array.from(data.times, () => null)],
    [data],
  );

  return (
    <div className="trace-chart timeline" ref={holder} data-testid="timeline">
      <div className="chart-caption">
        <span>
          <span className="swatch swatch-events" aria-hidden="true" /> events (darker: more){' '}
          <span className="swatch swatch-denied" aria-hidden="true" /> denied
        </span>
        <span className="chart-detail">
          {data.lanes.length === 0
            ? 'No process events in this run yet.'
            : `${data.lanes.length} ${data.lanes.length === 1 ? 'process' : 'lanes'}, ` +
              `${formatMs(data.from)}–${formatMs(data.to)}, ${data.totalDenials.toLocaleString('en-US')} denied` +
              (range ? '' : ' · drag to zoom')}
        </span>
        {range ? (
          <button type="button" className="button chart-reset" onClick={() => setRange(null)}>
            Whole run
          </button>
        ) : null}
      </div>
      <UplotChart
        options={options}
        data={plotted}
        label={`Timeline of ${data.lanes.length} processes from ${formatMs(data.from)} to ${formatMs(data.to)}, ${data.totalDenials} denials`}
        onSize={(size) => setWidth(size.width)}
      />
    </div>
  );
}

function timelineOptions(
  size: ChartSize,
  holder: HTMLElement | null,
  data: { readonly current: TimelineData },
  on: { onZoom: (from: number, to: number) => void; onPick: (pid: number) => void },
): uPlot.Options {
  const colors = chartColors(holder ?? document.body);
  const labelWidth = Math.min(
    220,
    16 + 7 * Math.max(4, ...data.current.lanes.map((lane) => lane.label.length)),
  );
  return {
    ...size,
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false }, y: false },
    scales: {
      x: { time: false, range: () => [data.current.from, data.current.to] },
      // The first process at the top.
      y: { dir: -1, range: () => [-0.5, Math.max(0.5, data.current.lanes.length - 0.5)] },
    },
    axes: [
      {
        scale: 'x',
        stroke: colors.muted,
        font: colors.uiFont,
        grid: { stroke: colors.grid, width: 1 },
        ticks: { stroke: colors.grid },
        values: (_u, splits) => splits.map(formatMs),
      },
      {
        scale: 'y',
        side: 3,
        size: labelWidth,
        stroke: colors.text,
        grid: { show: false },
        ticks: { show: false },
        font: colors.monoFont,
        splits: () => data.current.lanes.map((_, i) => i),
        values: (_u, splits) =>
          splits.map((i) => shorten(data.current.lanes[i]?.label ?? '', labelWidth)),
      },
    ],
    series: [
      {},
      { label: 'events', scale: 'y', show: true, points: { show: false }, paths: () => null },
    ],
    hooks: {
      draw: [(u) => drawLanes(u, data.current, colors)],
      setSelect: [
        (u) => {
          if (u.select.width < 4) return;
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          on.onZoom(from, to);
        },
      ],
      ready: [
        (u) => {
          u.over.addEventListener('click', () => {
            if (u.select.width > 0) return;
            const lane = Math.round(u.posToVal(u.cursor.top ?? -1, 'y'));
            const pid = data.current.lanes[lane]?.pid;
            if (pid !== undefined && pid !== NO_ID) on.onPick(pid);
          });
        },
      ],
    },
  };
}

/** Each lane's buckets as bars whose darkness follows the count, and denials as red marks. */
function drawLanes(u: uPlot, data: TimelineData, colors: { accent: string; red: string }): void {
  const { ctx } = u;
  const laneHeight = Math.abs(u.valToPos(0, 'y', true) - u.valToPos(1, 'y', true));
  // A triangle above the bar marks a denial; lanes are at least tall enough for both.
  const barHeight = Math.min(26, Math.max(2, laneHeight * 0.56));
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  data.lanes.forEach((_, lane) => {
    const center = u.valToPos(lane, 'y', true);
    const counts = data.counts[lane];
    const denials = data.denials[lane];
    if (!counts || !denials) return;
    ctx.fillStyle = colors.accent;
    for (let b = 0; b < counts.length; b++) {
      const count = counts[b] ?? 0;
      if (count === 0) continue;
      const [left, width] = bucketSpan(u, data, b);
      ctx.globalAlpha = intensity(count, data.maxCount);
      ctx.fillRect(left, center - barHeight / 2, width, barHeight);
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = colors.red;
    for (let b = 0; b < denials.length; b++) {
      if ((denials[b] ?? 0) === 0) continue;
      const [left, width] = bucketSpan(u, data, b);
      const x = left + width / 2;
      const top = center - barHeight / 2 - 9;
      // A downward triangle over the lane, and a line through it.
      ctx.beginPath();
      ctx.moveTo(x - 5, top);
      ctx.lineTo(x + 5, top);
      ctx.lineTo(x, top + 7);
      ctx.closePath();
      ctx.fill();
      ctx.fillRect(x - 1, center - barHeight / 2, 2, barHeight);
    }
  });
  ctx.restore();
}

function bucketSpan(u: uPlot, data: TimelineData, bucket: number): [number, number] {
  const start = data.from + bucket * data.bucketMs;
  const left = u.valToPos(start, 'x', true);
  const right = u.valToPos(start + data.bucketMs, 'x', true);
  return [left, Math.max(1, right - left)];
}

/** What each process ran last (the program's file name), for the lane labels. */
function usePrograms(): ReadonlyMap<number, string> {
  const roots = useProcessTree();
  return useMemo(() => {
    const programs = new Map<number, string>();
    const visit = (node: ProcessNode): void => {
      const program = node.execs.at(-1);
      if (program) programs.set(node.pid, program.path.split('/').at(-1) ?? program.path);
      node.children.forEach(visit);
    };
    roots.forEach(visit);
    return programs;
  }, [roots]);
}

function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

function shorten(label: string, pixels: number): string {
  const max = Math.max(4, Math.floor((pixels - 16) / 7));
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}
