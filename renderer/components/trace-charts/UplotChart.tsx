import 'uplot/dist/uPlot.min.css';
import { useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

/**
 * A uPlot chart filling its box: built again when `options` change (a new theme, other
 * series), fed new data without rebuilding, and resized with its box.
 */
export function UplotChart(props: {
  readonly options: (size: ChartSize) => uPlot.Options;
  readonly data: uPlot.AlignedData;
  readonly className?: string;
  readonly label: string;
  readonly onSize?: (size: ChartSize) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data = useRef(props.data);
  data.current = props.data;
  const onSize = useRef(props.onSize);
  onSize.current = props.onSize;
  const { options } = props;

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const size = sizeOf(element);
    const plot = new uPlot(options(size), data.current, element);
    chart.current = plot;
    const observer = new ResizeObserver(() => {
      const next = sizeOf(element);
      if (next.width !== plot.width || next.height !== plot.height) {
        plot.setSize(next);
        onSize.current?.(next);
      }
    });
    observer.observe(element);
    onSize.current?.(size);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [options]);

  useLayoutEffect(() => {
    chart.current?.setData(props.data);
  }, [props.data]);

  return (
    <div
      ref={box}
      className={`uplot-box ${props.className ?? ''}`}
      role="img"
      aria-label={props.label}
    />
  );
}

function sizeOf(element: HTMLElement): ChartSize {
  return {
    width: Math.max(100, Math.floor(element.clientWidth)),
    height: Math.max(80, Math.floor(element.clientHeight)),
  };
}
