import { useCallback, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { selectColorTheme } from '../../state/ui-store';
import { traceIndexOf } from '../../state/trace-index-cache';
import { useRuns, useStudio, useUi } from '../studio-context';
import { chartColors } from './chart-colors';
import { barsThatFit, histogramData, type HistogramData } from './histogram-data';
import { UplotChart, type ChartSize } from './UplotChart';
import { useThrottled } from './use-throttled';

const BAR_PIXELS = 20;
const MAX_BARS = 60;
const AXIS_PIXELS = 40;

/**
 * How often each syscall was made in the run, most frequent first, its denials in red on top of
 * its bar. A click on a bar shows that syscall's events in the table.
 */
export function Histogram() {
  const { stores } = useStudio();
  const events = useRuns((s) => s.events);
  const version = useThrottled(
    useRuns((s) => s.eventsVersion),
    250,
  );
  const theme = useUi(selectColorTheme);
  const [height, setHeight] = useState(400);
  const [hover, setHover] = useState<number | null>(null);
  const holder = useRef<HTMLDivElement>(null);

  const data = useMemo(() => {
    const index = traceIndexOf(events);
    if (version >= 0) index.catchUp();
    return histogramData(
      index.syscallTotals(),
      barsThatFit(height - AXIS_PIXELS, BAR_PIXELS, MAX_BARS),
    );
  }, [events, version, height]);
  const current = useRef(data);
  current.current = data;

  // Options depend on the bars' names (the axis labels) only through `current`, so new counts
  // do not rebuild the chart; a new theme or a new set of names does.
  const names = data.names.join('\u0000');
  const options = useCallback(
    (size: ChartSize) =>
      histogramOptions(size, holder.current, current, {
        onHover: setHover,
        onPick: (name) => stores.traceView.getState().showSyscall(name),
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [theme, names, stores],
  );
  const plotted = useMemo<uPlot.AlignedData>(
    () => [data.names.map((_, i) => i), [...data.counts], [...data.denied]],
    [data],
  );
  const total = data.counts.reduce((a, b) => a + b, 0);
  const hovered = hover === null ? undefined : hover;

  return (
    <div className="trace-chart histogram" ref={holder} data-testid="histogram">
      <div className="chart-caption">
        <span>
          <span className="swatch swatch-events" aria-hidden="true" /> syscalls{' '}
          <span className="swatch swatch-denied" aria-hidden="true" /> denied
        </span>
        <span className="chart-detail" aria-live="polite">
          {hovered !== undefined && data.names[hovered] !== undefined
            ? `${data.names[hovered]}: ${(data.counts[hovered] ?? 0).toLocaleString('en-US')} calls` +
              ((data.denied[hovered] ?? 0) > 0
                ? `, ${(data.denied[hovered] ?? 0).toLocaleString('en-US')} denied`
                : '') +
              ' — click to list them'
            : data.names.length === 0
              ? 'No syscalls in this run yet.'
              : `${data.names.length} syscalls shown` +
                (data.hidden.names > 0
                  ? `; ${data.hidden.names} more with ${data.hidden.events.toLocaleString('en-US')} calls`
                  : '')}
        </span>
      </div>
      <UplotChart
        options={options}
        data={plotted}
        label={`Histogram of ${data.names.length} syscalls, ${total.toLocaleString('en-US')} calls`}
        onSize={(size) => setHeight(size.height)}
      />
      <HistogramTable data={data} />
    </div>
  );
}

/** The same numbers as a table, for screen readers. */
function HistogramTable({ data }: { data: HistogramData }) {
  return (
    <table className="trace-sr-only">
      <caption>Syscalls by number of calls</caption>
      <thead>
        <tr>
          <th scope="col">syscall</th>
          <th scope="col">calls</th>
          <th scope="col">denied</th>
        </tr>
      </thead>
      <tbody>
        {data.names.map((name, i) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{data.counts[i]}</td>
            <td>{data.denied[i]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function histogramOptions(
  size: ChartSize,
  holder: HTMLElement | null,
  data: { readonly current: HistogramData },
  on: { onHover: (bar: number | null) => void; onPick: (name: string) => void },
): uPlot.Options {
  const colors = chartColors(holder ?? document.body);
  const bars = uPlot.paths.bars?.({ size: [0.72, 24] });
  const labelWidth = Math.min(
    180,
    12 + 7.2 * Math.max(6, ...data.current.names.map((name) => name.length)),
  );
  return {
    ...size,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      // Bars top to bottom, the most frequent first.
      x: {
        time: false,
        ori: 1,
        dir: -1,
        range: () => [-0.5, Math.max(0.5, data.current.names.length - 0.5)],
      },
      y: { ori: 0, dir: 1, range: (_u, _min, max) => [0, Math.max(1, max * 1.05)] },
    },
    axes: [
      {
        scale: 'x',
        side: 3,
        size: labelWidth,
        stroke: colors.text,
        grid: { show: false },
        ticks: { show: false },
        font: colors.monoFont,
        splits: () => data.current.names.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => data.current.names[i] ?? ''),
      },
      {
        scale: 'y',
        side: 2,
        stroke: colors.muted,
        font: colors.uiFont,
        grid: { stroke: colors.grid, width: 1 },
        ticks: { stroke: colors.grid },
        values: (_u, splits) =>
          splits.map((v) => (Number.isInteger(v) ? v.toLocaleString('en-US') : '')),
      },
    ],
    series: [
      {},
      {
        label: 'calls',
        fill: colors.accent,
        stroke: colors.accent,
        paths: bars,
        points: { show: false },
      },
      {
        label: 'denied',
        fill: colors.red,
        stroke: colors.red,
        paths: bars,
        points: { show: false },
      },
    ],
    hooks: {
      setCursor: [(u) => on.onHover(u.cursor.idx ?? null)],
      ready: [
        (u) => {
          u.over.style.cursor = 'pointer';
          u.over.addEventListener('click', () => {
            const name = u.cursor.idx == null ? undefined : data.current.names[u.cursor.idx];
            if (name) on.onPick(name);
          });
          u.over.addEventListener('mouseleave', () => on.onHover(null));
        },
      ],
    },
  };
}
