import { describe, expect, it } from 'vitest';
import type { FilterGraph } from '../../../app/bpf/filter-graph';
import { filterGraph } from '../../../app/bpf/filter-graph';
import { compilePolicy } from '../../../app/bpf/compile';
import { parsePolicy } from '../../../app/policy/parse';
import { layoutGraph, type PlacedNode } from './graph-layout';

function overlaps(a: PlacedNode, b: PlacedNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function compiled(text: string): FilterGraph {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return filterGraph(compilePolicy(policy, 'x86_64').program);
}

const GRAPH = compiled(`version: 1
linux:
  seccomp:
    default: errno EPERM
    rules:
      - allow: [read, write, close, fstat, mmap, brk, exit_group, futex]
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - allow: [mprotect, pkey_mprotect]
        when: "(arg2 & PROT_EXEC) == 0"
      - errno: EACCES
        syscalls: [openat, open]
`);

describe('layoutGraph', () => {
  const layout = layoutGraph(GRAPH);

  it('places every node once, inside the drawing, without overlaps', () => {
    expect(layout.nodes).toHaveLength(GRAPH.nodes.length);
    for (const node of layout.nodes) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.y).toBeGreaterThanOrEqual(0);
      expect(node.x + node.width).toBeLessThanOrEqual(layout.width);
      expect(node.y + node.height).toBeLessThanOrEqual(layout.height);
    }
    for (let i = 0; i < layout.nodes.length; i++) {
      for (let j = i + 1; j < layout.nodes.length; j++) {
        expect(overlaps(layout.nodes[i]!, layout.nodes[j]!), `${i} ${j}`).toBe(false);
      }
    }
  });

  it('draws every edge left to right', () => {
    expect(layout.edges).toHaveLength(GRAPH.edges.length);
    for (const { from, to } of layout.edges) expect(to.x).toBeGreaterThan(from.x);
  });

  it('puts the entry first, left, between its children', () => {
    const entry = layout.nodes.find((n) => n.node.id === GRAPH.nodes[0]!.id)!;
    expect(entry.x).toBe(Math.min(...layout.nodes.map((n) => n.x)));
    const children = layout.edges.filter((e) => e.edge.from === entry.node.id).map((e) => e.to.y);
    expect(entry.y + entry.height / 2).toBeGreaterThanOrEqual(Math.min(...children));
    expect(entry.y + entry.height / 2).toBeLessThanOrEqual(Math.max(...children));
  });

  it('handles an empty graph and a very long chain', () => {
    expect(layoutGraph({ nodes: [], edges: [] })).toEqual({
      nodes: [],
      edges: [],
      width: 0,
      height: 0,
    });
    const n = 5000;
    const chain: FilterGraph = {
      nodes: Array.from({ length: n }, (_, i) => ({
        id: String(i),
        kind: i === n - 1 ? ('return' as const) : ('test' as const),
        pcs: [i],
        label: `t${i}`,
      })),
      edges: Array.from({ length: n - 1 }, (_, i) => ({
        from: String(i),
        to: String(i + 1),
        when: 'always' as const,
      })),
    };
    const long = layoutGraph(chain);
    expect(long.nodes).toHaveLength(n);
    expect(new Set(long.nodes.map((p) => p.y)).size).toBe(1);
  });
});
