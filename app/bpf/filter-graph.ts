import { BPF } from '../linux/constants';
import type { Arch } from '../linux/syscalls';
import { flowStates } from './disasm-flow';
import { dataWordName, describeProgram } from './disasm-text';
import { bpfOp, isConditionalJump, OP } from './encode';
import type { BpfInstruction, BpfProgram } from './program';

/**
 * A filter as a decision graph for display: one node per test (the loads before a conditional
 * jump folded into its label: `args[1] == 0x5401`), one leaf per return, copied for every edge
 * into it so that the dispatch reads as a tree; argument blocks that several syscalls share stay
 * one node with several parents.
 */

export interface GraphNode {
  /** Unique: the pc of the node's first instruction; a return copy adds `@` and its parent. */
  readonly id: string;
  readonly kind: 'test' | 'return';
  /** The node's instructions, in order. */
  readonly pcs: readonly number[];
  /** What it tests (`sys_number == read`) or returns (`ALLOW`). */
  readonly label: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** Whether the test holds on this edge; `always` for a node that just goes on. */
  readonly when: 'true' | 'false' | 'always';
}

export interface FilterGraph {
  /** The first node is the entry. */
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

interface Block {
  readonly pcs: number[];
  readonly label: string;
  readonly kind: 'test' | 'return';
  /** [target pc, when] of each way out. */
  readonly exits: readonly (readonly [number, GraphEdge['when']])[];
}

const POSITIVE: Readonly<Record<number, string>> = {
  [BPF.BPF_JEQ]: '==',
  [BPF.BPF_JGT]: '>',
  [BPF.BPF_JGE]: '>=',
  [BPF.BPF_JSET]: '&',
};

/**
 * `A = args[1]`, `A &= 0xff` … then `if (A == 0x5401) …` → `(args[1] & 0xff) == 0x5401`. The test
 * is always the jump's own comparison (its true edge is taken when it holds), though the listing
 * may write it negated; `entry` is what A holds when the block starts, if known.
 */
function testLabel(texts: readonly string[], jump: BpfInstruction, entry: string): string {
  let accumulator = entry;
  const rest: string[] = [];
  for (const text of texts.slice(0, -1)) {
    const load = /^A = (.+)$/.exec(text);
    const alu = /^A (\S+)= (.+)$/.exec(text);
    if (load) accumulator = load[1]!;
    else if (alu) accumulator = `(${accumulator} ${alu[1]} ${alu[2]})`;
    else rest.push(text);
  }
  const last = texts.at(-1) ?? '';
  const operand = /^if \(!?\(?A (?:==|!=|>=|<=|>|<|&) (.+?)\)?\) goto/.exec(last)?.[1];
  const operator = POSITIVE[bpfOp(jump.code)];
  const test = operand && operator ? `${accumulator} ${operator} ${operand}` : last;
  return [...rest, test].join('; ');
}

/** The basic block starting at `start`: straight-line instructions up to a jump or return. */
function blockAt(
  program: BpfProgram,
  texts: readonly string[],
  start: number,
  entry: string,
): Block {
  const pcs: number[] = [];
  for (let pc = start; pc < program.length; pc++) {
    const insn = program[pc]!;
    pcs.push(pc);
    if (insn.code === OP.RET_K || insn.code === OP.RET_A) {
      const ret = (texts[pc] ?? '').replace(/^return /, '');
      const before = texts.slice(start, pc);
      return { pcs, label: [...before, ret].join('; '), kind: 'return', exits: [] };
    }
    if (insn.code === OP.JA) {
      const label = texts.slice(start, pc).join('; ') || 'goto';
      return { pcs, label, kind: 'test', exits: [[pc + 1 + insn.k, 'always']] };
    }
    if (isConditionalJump(insn.code)) {
      const onTrue = pc + 1 + insn.jt;
      const onFalse = pc + 1 + insn.jf;
      const exits: Block['exits'] =
        onTrue === onFalse
          ? [[onTrue, 'always']]
          : [
              [onTrue, 'true'],
              [onFalse, 'false'],
            ];
      const label = testLabel(texts.slice(start, pc + 1), insn, entry);
      return { pcs, label, kind: 'test', exits };
    }
  }
  return { pcs, label: '(falls off the end)', kind: 'return', exits: [] };
}

/**
 * The decision graph of a program (verified: every path ends in a return). `arch` names the
 * syscalls in labels, as in the disassembly.
 */
export function filterGraph(program: BpfProgram, arch: Arch = 'x86_64'): FilterGraph {
  if (program.length === 0) return { nodes: [], edges: [] };
  const texts = describeProgram(program, arch);
  const states = flowStates(program);
  const blocks = new Map<number, Block>();
  const blockOf = (pc: number): Block => {
    let block = blocks.get(pc);
    if (!block) {
      const held = states[pc]?.a;
      block = blockAt(
        program,
        texts,
        pc,
        held === null || held === undefined ? 'A' : dataWordName(held),
      );
      blocks.set(pc, block);
    }
    return block;
  };
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const placed = new Set<number>();
  // Depth first, the taken branch first; a stack, since a chain of tests can be 4096 deep.
  const pending = [0];
  while (pending.length > 0) {
    const pc = pending.pop()!;
    if (placed.has(pc)) continue;
    placed.add(pc);
    const block = blockOf(pc);
    const id = String(pc);
    nodes.push({ id, kind: block.kind, pcs: block.pcs, label: block.label });
    const inner: number[] = [];
    for (const [target, when] of block.exits) {
      const next = blockOf(target);
      if (next.kind === 'return' && next.pcs.length === 1) {
        const leaf = `${target}@${id}:${when}`;
        nodes.push({ id: leaf, kind: 'return', pcs: next.pcs, label: next.label });
        edges.push({ from: id, to: leaf, when });
      } else {
        edges.push({ from: id, to: String(target), when });
        inner.push(target);
      }
    }
    pending.push(...inner.reverse());
  }
  return { nodes, edges };
}
