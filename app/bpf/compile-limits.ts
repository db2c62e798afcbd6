import { BPF } from '../linux/constants';
import { displaySyscallName, type Arch } from '../linux/syscalls';
import type { Label } from './compile-assemble';
import { emitCondition } from './compile-condition';
import type { Block } from './compile-program';
import { CodeWriter } from './compile-writer';
import { isConditionalJump, OP } from './encode';
import type { BpfProgram } from './program';

/** Instructions on the longest path from the start to a RET (all jumps go forward). */
export function longestPath(p: BpfProgram): number {
  const lengths = new Array<number>(p.length + 1).fill(0);
  for (let pc = p.length - 1; pc >= 0; pc--) {
    const insn = p[pc];
    if (!insn || insn.code === OP.RET_K || insn.code === OP.RET_A) {
      lengths[pc] = 1;
      continue;
    }
    const next = (offset: number): number => lengths[pc + 1 + offset] ?? 0;
    if (insn.code === OP.JA) lengths[pc] = 1 + next(insn.k);
    else if (isConditionalJump(insn.code)) lengths[pc] = 1 + Math.max(next(insn.jt), next(insn.jf));
    else lengths[pc] = 1 + next(0);
  }
  return lengths[0] ?? 0;
}

function syscallLabel(arch: Arch, nr: number): string {
  try {
    return displaySyscallName(arch, nr);
  } catch {
    return `nr ${nr}`;
  }
}

/** Why the program is too long, with its biggest parts and what to cut. */
export function tooLongMessage(
  length: number,
  argumentBlocks: Iterable<Block>,
  arches: readonly Arch[],
): string {
  const blocks = [...argumentBlocks]
    .map((block) => {
      const names = [...new Set(block.origins.map((o) => syscallLabel(o.arch, o.rule.nr)))];
      const lines = [...new Set(block.origins.map((o) => o.rule.range.start.line))];
      const size = blockSize(block);
      return { size, text: `${names.join(', ')} (rules at line ${lines.join(', ')})` };
    })
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map((b) => `argument checks of ${b.text}: about ${b.size} instructions`);
  return [
    `the filter needs ${length} instructions; the kernel accepts at most ${BPF.BPF_MAXINSNS}.`,
    ...(blocks.length > 0 ? [`Biggest parts: ${blocks.join('; ')}.`] : []),
    `To fit, list fewer architectures (now ${arches.join(', ')}) or compile one at a time,`,
    `and simplify argument conditions (fewer rules per syscall, one \`in {…}\` set or mask instead of many comparisons).`,
  ].join(' ');
}

function blockSize(block: Block): number {
  const w = new CodeWriter();
  const labels = new Map<number, Label>();
  const ret = (k: number): Label => labels.get(k) ?? labels.set(k, w.newLabel()).get(k) ?? 0;
  for (const check of block.verdict.checks) {
    const next = w.newLabel();
    emitCondition(w, check.condition, ret(check.ret), next);
    w.place(next);
  }
  return w.items.filter((item) => item.kind !== 'label').length + 1;
}
