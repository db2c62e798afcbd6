import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy/parse';
import { compilePolicy } from './compile';
import { traceFilter } from './disasm-trace';
import { seccompDataFor } from './emulate';
import { filterGraph, type FilterGraph } from './filter-graph';
import { OP, jump, stmt } from './encode';
import { nr } from './test-helpers';

const { policy } = parsePolicy(`version: 1
linux:
  seccomp:
    default: kill-process
    rules:
      - allow: [read, write, exit_group]
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - allow: mmap
        when: "(arg2 & PROT_EXEC) == 0"
`);
const program = compilePolicy(policy!, 'x86_64').program;
const graph = filterGraph(program);

/** Follows the graph the way the filter runs: the edge whose test outcome the trace took. */
function walk(g: FilterGraph, path: readonly number[]): string[] {
  const labels: string[] = [];
  let node = g.nodes[0];
  while (node) {
    labels.push(node.label);
    const last = node.pcs.at(-1)!;
    const next = path[path.indexOf(last) + 1];
    const edge = g.edges.find((e) => {
      if (e.from !== node!.id) return false;
      const target = g.nodes.find((n) => n.id === e.to);
      return target?.pcs[0] === next;
    });
    node = edge ? g.nodes.find((n) => n.id === edge.to) : undefined;
  }
  return labels;
}

describe('filterGraph', () => {
  it('starts at the arch test, in its positive form', () => {
    expect(graph.nodes[0]).toMatchObject({ id: '0', kind: 'test', label: 'arch == ARCH_X86_64' });
  });

  it('labels tests with what A holds, and leaves with the action', () => {
    const labels = graph.nodes.map((n) => n.label);
    expect(labels).toContain('sys_number == ioctl');
    expect(labels).toContain('args[1] == 0x5401');
    expect(labels).toContain('(args[2] & 0x4) == 0');
    const leaves = new Set(graph.nodes.filter((n) => n.kind === 'return').map((n) => n.label));
    expect(leaves).toEqual(new Set(['ALLOW', 'KILL_PROCESS']));
  });

  it('gives each test a true and a false edge, and each leaf its own parent', () => {
    for (const node of graph.nodes) {
      const out = graph.edges.filter((e) => e.from === node.id).map((e) => e.when);
      expect(out).toEqual(node.kind === 'test' ? ['true', 'false'] : []);
      const into = graph.edges.filter((e) => e.to === node.id);
      if (node.kind === 'return') expect(into).toHaveLength(1);
    }
    expect(new Set(graph.nodes.map((n) => n.id)).size).toBe(graph.nodes.length);
  });

  it('covers every instruction', () => {
    const covered = new Set(graph.nodes.flatMap((n) => n.pcs));
    expect([...covered].sort((a, b) => a - b)).toEqual(program.map((_, pc) => pc));
  });

  it('follows the filter: a trace walks the graph to the same action', () => {
    const cases = [
      [nr('read'), [], 'ALLOW'],
      [nr('ioctl'), [0n, 0x541bn], 'ALLOW'],
      [nr('ioctl'), [0n, 1n], 'KILL_PROCESS'],
      [nr('mmap'), [0n, 0n, 4n], 'KILL_PROCESS'],
      [nr('openat'), [], 'KILL_PROCESS'],
    ] as const;
    for (const [number, args, action] of cases) {
      const trace = traceFilter(program, seccompDataFor(number, [...args]));
      expect(walk(graph, trace.path).at(-1)).toBe(action);
    }
  });

  it('keeps jumps that just go on, and handles the empty program', () => {
    const small = filterGraph([
      stmt(OP.LD_W_ABS, 0),
      stmt(OP.JA, 0),
      jump(OP.JEQ_K, 1, 0, 1),
      stmt(OP.RET_K, 0x7fff0000),
      stmt(OP.RET_K, 0),
    ]);
    expect(small.edges.map((e) => e.when)).toEqual(['always', 'true', 'false']);
    expect(small.nodes[1]?.label).toBe('sys_number == write');
    expect(filterGraph([])).toEqual({ nodes: [], edges: [] });
  });
});
