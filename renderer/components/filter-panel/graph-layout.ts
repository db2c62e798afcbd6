import type { FilterGraph, GraphEdge, GraphNode } from '../../../app/bpf/filter-graph';

/**
 * A left-to-right layout of a filter's decision graph, without a layout library: the graph is a
 * tree except for shared argument blocks, so columns are the longest path from the entry (every
 * edge goes right) and rows come from a tidy-tree pass over the first-parent tree (leaves on
 * consecutive rows, a parent in the middle of its children). Nodes never overlap: two nodes of one
 * column cover disjoint row ranges, or one is the other's ancestor and so in an earlier column.
 */

export interface PlacedNode {
  readonly node: GraphNode;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge {
  readonly edge: GraphEdge;
  readonly from: { readonly x: number; readonly y: number };
  readonly to: { readonly x: number; readonly y: number };
}

export interface GraphLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

export interface LayoutMetrics {
  /** Width of a node's label text in pixels. */
  readonly textWidth: (label: string) => number;
  readonly nodeHeight: number;
  readonly rowGap: number;
  readonly columnGap: number;
  readonly padding: number;
  readonly maxNodeWidth: number;
}

export const DEFAULT_METRICS: LayoutMetrics = {
  textWidth: (label) => label.length * 6.6,
  nodeHeight: 22,
  rowGap: 8,
  columnGap: 36,
  padding: 12,
  maxNodeWidth: 280,
};

function firstPc(node: GraphNode): number {
  return node.pcs[0] ?? 0;
}

/** Longest path from the entry; all jumps go forward, so pc order is a topological order. */
function columns(graph: FilterGraph): Map<string, number> {
  const depth = new Map<string, number>([[graph.nodes[0]?.id ?? '', 0]]);
  const outgoing = edgesFrom(graph);
  const ordered = [...graph.nodes].sort((a, b) => firstPc(a) - firstPc(b));
  for (const node of ordered) {
    const here = depth.get(node.id);
    if (here === undefined) continue;
    for (const edge of outgoing.get(node.id) ?? []) {
      depth.set(edge.to, Math.max(depth.get(edge.to) ?? 0, here + 1));
    }
  }
  return depth;
}

function edgesFrom(graph: FilterGraph): Map<string, GraphEdge[]> {
  const out = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  return out;
}

/** Rows by a post-order walk of the first-parent tree (iterative: chains can be long). */
function rows(graph: FilterGraph): Map<string, number> {
  const outgoing = edgesFrom(graph);
  const children = new Map<string, string[]>();
  const seen = new Set<string>();
  const row = new Map<string, number>();
  let nextLeafRow = 0;
  const entry = graph.nodes[0]?.id;
  if (entry === undefined) return row;
  seen.add(entry);
  const stack: { id: string; expanded: boolean }[] = [{ id: entry, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (!top.expanded) {
      top.expanded = true;
      const own = (outgoing.get(top.id) ?? []).map((e) => e.to).filter((to) => !seen.has(to));
      for (const to of own) seen.add(to);
      children.set(top.id, own);
      for (const to of [...own].reverse()) stack.push({ id: to, expanded: false });
      continue;
    }
    stack.pop();
    const own = children.get(top.id) ?? [];
    if (own.length === 0) row.set(top.id, nextLeafRow++);
    else row.set(top.id, ((row.get(own[0]!) ?? 0) + (row.get(own.at(-1)!) ?? 0)) / 2);
  }
  return row;
}

export function layoutGraph(
  graph: FilterGraph,
  metrics: LayoutMetrics = DEFAULT_METRICS,
): GraphLayout {
  if (graph.nodes.length === 0) return { nodes: [], edges: [], width: 0, height: 0 };
  const column = columns(graph);
  const row = rows(graph);
  const widthOf = (node: GraphNode) =>
    Math.min(metrics.maxNodeWidth, Math.max(36, metrics.textWidth(node.label) + 16));
  const columnWidths: number[] = [];
  for (const node of graph.nodes) {
    const c = column.get(node.id) ?? 0;
    columnWidths[c] = Math.max(columnWidths[c] ?? 0, widthOf(node));
  }
  const columnX: number[] = [];
  let x = metrics.padding;
  for (let c = 0; c < columnWidths.length; c++) {
    columnX[c] = x;
    x += (columnWidths[c] ?? 0) + metrics.columnGap;
  }
  const pitch = metrics.nodeHeight + metrics.rowGap;
  const placed = new Map<string, PlacedNode>();
  for (const node of graph.nodes) {
    const r = row.get(node.id);
    if (r === undefined) continue;
    placed.set(node.id, {
      node,
      x: columnX[column.get(node.id) ?? 0] ?? 0,
      y: metrics.padding + r * pitch,
      width: widthOf(node),
      height: metrics.nodeHeight,
    });
  }
  const edges = graph.edges.flatMap((edge) => {
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    if (!from || !to) return [];
    return [
      {
        edge,
        from: { x: from.x + from.width, y: from.y + from.height / 2 },
        to: { x: to.x, y: to.y + to.height / 2 },
      },
    ];
  });
  const nodes = [...placed.values()];
  const width = nodes.reduce((w, n) => Math.max(w, n.x + n.width), 0) + metrics.padding;
  const height = nodes.reduce((h, n) => Math.max(h, n.y + n.height), 0) + metrics.padding;
  return { nodes, edges, width, height };
}
