import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { GraphEdge, GraphNode } from '../../../app/bpf/filter-graph';
import type { CompiledView } from './compiled-view';
import { DEFAULT_METRICS, layoutGraph, type PlacedEdge, type PlacedNode } from './graph-layout';
import { highlightOf, type Highlight } from './highlight';

interface DecisionGraphProps {
  readonly view: CompiledView;
  readonly highlight: Highlight;
  readonly onPick: (pc: number) => void;
}

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5] as const;

function edgePath({ from, to }: PlacedEdge): string {
  const bend = Math.max(12, (to.x - from.x) / 2);
  return `M${from.x},${from.y} C${from.x + bend},${from.y} ${to.x - bend},${to.y} ${to.x},${to.y}`;
}

function GraphNodeView({
  placed,
  mark,
  pick,
}: {
  placed: PlacedNode;
  mark: Mark;
  /** Shows the rule behind the node; absent when no rule produced it. */
  pick: (() => void) | undefined;
}) {
  const { node, x, y, width, height } = placed;
  const onKeyDown = (event: KeyboardEvent<SVGGElement>): void => {
    if (!pick || (event.key !== 'Enter' && event.key !== ' ')) return;
    event.preventDefault();
    pick();
  };
  const pcs = node.pcs.length > 1 ? `${node.pcs[0]}–${node.pcs.at(-1)}` : `${node.pcs[0]}`;
  // A label wider than the node is clipped by the inner svg, not shortened: its text (and so
  // its accessible name) stays whole, and the tooltip shows it all.
  return (
    <g
      className={`filter-graph-node ${node.kind}`}
      data-highlight={mark ?? undefined}
      data-node={node.id}
      transform={`translate(${x},${y})`}
      {...(pick ? { role: 'button', tabIndex: 0, onClick: pick, onKeyDown } : {})}
    >
      <title>{`${node.label} (instruction ${pcs})`}</title>
      <rect width={width} height={height} rx={node.kind === 'return' ? height / 2 : 4} />
      <svg width={width - 4} height={height}>
        <text x={8} y={height / 2 + 4}>
          {node.label}
        </text>
      </svg>
    </g>
  );
}

type Mark = 'own' | 'path' | null;

/**
 * Marks per node: a test by its instructions; a copy of a shared return by the step into it (the
 * RET itself is the rules' own code, but only the copies their syscalls reach are theirs).
 */
function nodeMarks(view: CompiledView, highlight: Highlight): Map<string, Mark> {
  const marks = new Map<string, Mark>();
  const byId = new Map(view.graph.nodes.map((n) => [n.id, n]));
  const into = new Map(view.graph.edges.map((e) => [e.to, e]));
  for (const node of view.graph.nodes) {
    const edge = node.id.includes('@') ? into.get(node.id) : undefined;
    const mark = highlightOf(highlight, node.pcs);
    marks.set(node.id, edge && !highlight.steps.has(stepOf(edge, byId)) ? null : mark);
  }
  return marks;
}

/** The `from>to` instruction step an edge of the graph stands for. */
function stepOf(edge: GraphEdge, byId: ReadonlyMap<string, GraphNode>): string {
  return `${byId.get(edge.from)?.pcs.at(-1)}>${byId.get(edge.to)?.pcs[0]}`;
}

/**
 * The filter's decision tree, left to right: tests (true branch solid, false dashed) down to
 * the returns; the rule at the cursor's part highlighted. Drawn as SVG from graph-layout.ts.
 */
export function DecisionGraph({ view, highlight, onPick }: DecisionGraphProps) {
  const layout = useMemo(() => layoutGraph(view.graph, DEFAULT_METRICS), [view.graph]);
  const marks = useMemo(() => nodeMarks(view, highlight), [view, highlight]);
  const nodesById = useMemo(() => new Map(view.graph.nodes.map((n) => [n.id, n])), [view.graph]);
  const [zoomIndex, setZoomIndex] = useState(2);
  const zoom = ZOOMS[zoomIndex] ?? 1;
  const scroller = useRef<HTMLDivElement>(null);
  const first = highlight.own.size > 0 ? Math.min(...highlight.own) : null;
  useEffect(() => {
    if (first === null) return;
    // The leftmost marked node: the test that singles out the rule's syscall.
    const leftmost = layout.nodes
      .filter((p) => marks.get(p.node.id) === 'own')
      .sort((a, b) => a.x - b.x || a.y - b.y)[0];
    const box = scroller.current;
    if (!leftmost || !box) return;
    // Near the left edge: what the rule decides lies to the right of it.
    box.scrollTo({
      left: Math.max(0, leftmost.x * zoom - 24),
      top: Math.max(0, (leftmost.y + leftmost.height / 2) * zoom - box.clientHeight / 2),
    });
  }, [first, layout, marks, zoom]);
  return (
    <div className="filter-graph">
      <div className="filter-graph-tools">
        <button
          type="button"
          className="button"
          aria-label="Zoom out"
          disabled={zoomIndex === 0}
          onClick={() => setZoomIndex((i) => Math.max(0, i - 1))}
        >
          −
        </button>
        <span aria-live="polite">{Math.round(zoom * 100)} %</span>
        <button
          type="button"
          className="button"
          aria-label="Zoom in"
          disabled={zoomIndex === ZOOMS.length - 1}
          onClick={() => setZoomIndex((i) => Math.min(ZOOMS.length - 1, i + 1))}
        >
          +
        </button>
        <span className="filter-graph-legend">
          <span className="true">true</span> <span className="false">false</span>
        </span>
      </div>
      <div className="filter-graph-scroll" ref={scroller}>
        <svg
          width={layout.width * zoom}
          height={layout.height * zoom}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label="Decision tree of the filter"
          data-testid="filter-graph"
        >
          <g className="filter-graph-edges" aria-hidden="true">
            {layout.edges.map((edge) => {
              const lit = highlight.steps.has(stepOf(edge.edge, nodesById));
              return (
                <path
                  key={`${edge.edge.from}>${edge.edge.to}`}
                  className={`${edge.edge.when}${lit ? ' lit' : ''}`}
                  d={edgePath(edge)}
                />
              );
            })}
          </g>
          {layout.nodes.map((placed) => {
            const ruled = placed.node.pcs.find(
              (pc) => (view.origins.byInstruction[pc]?.length ?? 0) > 0,
            );
            return (
              <GraphNodeView
                key={placed.node.id}
                placed={placed}
                mark={marks.get(placed.node.id) ?? null}
                pick={ruled === undefined ? undefined : () => onPick(ruled)}
              />
            );
          })}
        </svg>
      </div>
    </div>
  );
}
