import { AUDIT_ARCH, BPF, SECCOMP } from '../linux/constants';
import { syscallName, type Arch } from '../linux/syscalls';
import { bpfClass, bpfOp, bpfSrc, isConditionalJump, OP, SECCOMP_DATA } from './encode';
import type { BpfInstruction, BpfProgram } from './program';

/** What A holds, as far as naming constants goes. */
type AContent = 'nr' | 'arch' | 'other';

const HEADER = ' line  CODE  JT   JF      K\n=================================';

const hex = (value: number, digits: number): string =>
  `0x${(value >>> 0).toString(16).padStart(digits, '0')}`;
const lineNumber = (pc: number): string => String(pc).padStart(4, '0');

const archNames = new Map<number, string>();
for (const [name, value] of Object.entries(AUDIT_ARCH)) {
  if (!archNames.has(value)) archNames.set(value, name.replace(/^AUDIT_/, ''));
}

const ALU_SYMBOLS = new Map<number, string>([
  [BPF.BPF_ADD, '+='],
  [BPF.BPF_SUB, '-='],
  [BPF.BPF_MUL, '*='],
  [BPF.BPF_DIV, '/='],
  [BPF.BPF_MOD, '%='],
  [BPF.BPF_AND, '&='],
  [BPF.BPF_OR, '|='],
  [BPF.BPF_XOR, '^='],
  [BPF.BPF_LSH, '<<='],
  [BPF.BPF_RSH, '>>='],
]);

/** [taken, not taken] spellings of each conditional jump. */
const CONDITIONS = new Map<number, readonly [string, string]>([
  [BPF.BPF_JEQ, ['A == K', 'A != K']],
  [BPF.BPF_JGT, ['A > K', 'A <= K']],
  [BPF.BPF_JGE, ['A >= K', 'A < K']],
  [BPF.BPF_JSET, ['A & K', '!(A & K)']],
]);

const RETURN_NAMES = new Map<number, string>([
  [SECCOMP.SECCOMP_RET_KILL_PROCESS, 'KILL_PROCESS'],
  [SECCOMP.SECCOMP_RET_KILL_THREAD, 'KILL_THREAD'],
  [SECCOMP.SECCOMP_RET_TRAP, 'TRAP'],
  [SECCOMP.SECCOMP_RET_ERRNO, 'ERRNO'],
  [SECCOMP.SECCOMP_RET_USER_NOTIF, 'USER_NOTIF'],
  [SECCOMP.SECCOMP_RET_TRACE, 'TRACE'],
  [SECCOMP.SECCOMP_RET_LOG, 'LOG'],
  [SECCOMP.SECCOMP_RET_ALLOW, 'ALLOW'],
]);

/** `ALLOW`, `ERRNO(13)`, `TRACE(7)`, or the raw value when the action is unknown. */
export function returnValueName(ret: number): string {
  const action = (ret & SECCOMP.SECCOMP_RET_ACTION_FULL) >>> 0;
  const data = ret & SECCOMP.SECCOMP_RET_DATA;
  const name = RETURN_NAMES.get(action);
  if (name === undefined) return hex(ret, 8);
  return action === SECCOMP.SECCOMP_RET_ERRNO || data !== 0 ? `${name}(${data})` : name;
}

function fieldName(offset: number): string {
  if (offset === SECCOMP_DATA.nr) return 'sys_number';
  if (offset === SECCOMP_DATA.arch) return 'arch';
  const half = offset % SECCOMP_DATA.argSize === 4 ? ' >> 32' : '';
  const base = offset - (half ? 4 : 0);
  if (base === SECCOMP_DATA.instructionPointer) return `instruction_pointer${half}`;
  const arg = (base - SECCOMP_DATA.args) / SECCOMP_DATA.argSize;
  if (Number.isInteger(arg) && arg >= 0 && arg < 6) return `args[${arg}]${half}`;
  return `data[${offset}]`;
}

/** K as a syscall or arch name when A is known to hold that field, else hex. */
function constantName(k: number, content: AContent, arch: Arch): string {
  if (content === 'nr') return syscallName(arch, k) ?? hex(k, 1);
  if (content === 'arch') return archNames.get(k) ?? hex(k, 1);
  return hex(k, 1);
}

function describeJump(insn: BpfInstruction, pc: number, content: AContent, arch: Arch): string {
  const [taken = '?', notTaken = '?'] = CONDITIONS.get(bpfOp(insn.code)) ?? [];
  const operand =
    bpfSrc(insn.code) === BPF.BPF_X
      ? 'X'
      : constantName(insn.k, bpfOp(insn.code) === BPF.BPF_JSET ? 'other' : content, arch);
  const spell = (condition: string): string => condition.replace('K', operand);
  const target = (offset: number): string => lineNumber(pc + 1 + offset);
  if (insn.jf === 0) return `if (${spell(taken)}) goto ${target(insn.jt)}`;
  if (insn.jt === 0) return `if (${spell(notTaken)}) goto ${target(insn.jf)}`;
  return `if (${spell(taken)}) goto ${target(insn.jt)} else goto ${target(insn.jf)}`;
}

function describe(insn: BpfInstruction, pc: number, content: AContent, arch: Arch): string {
  const { code, k } = insn;
  switch (code) {
    case OP.LD_W_ABS:
      return `A = ${fieldName(k)}`;
    case OP.LD_W_LEN:
      return 'A = sizeof(seccomp_data)';
    case OP.LDX_W_LEN:
      return 'X = sizeof(seccomp_data)';
    case OP.LD_IMM:
      return `A = ${hex(k, 1)}`;
    case OP.LDX_IMM:
      return `X = ${hex(k, 1)}`;
    case OP.LD_MEM:
      return `A = mem[${k}]`;
    case OP.LDX_MEM:
      return `X = mem[${k}]`;
    case OP.ST:
      return `mem[${k}] = A`;
    case OP.STX:
      return `mem[${k}] = X`;
    case OP.TAX:
      return 'X = A';
    case OP.TXA:
      return 'A = X';
    case OP.JA:
      return `goto ${lineNumber(pc + 1 + k)}`;
    case OP.RET_K:
      return `return ${returnValueName(k)}`;
    case OP.RET_A:
      return 'return A';
    case BPF.BPF_ALU | BPF.BPF_NEG:
      return 'A = -A';
  }
  if (isConditionalJump(code)) return describeJump(insn, pc, content, arch);
  const alu = bpfClass(code) === BPF.BPF_ALU ? ALU_SYMBOLS.get(bpfOp(code)) : undefined;
  if (alu) return `A ${alu} ${bpfSrc(code) === BPF.BPF_X ? 'X' : hex(k, 1)}`;
  return `??? (opcode ${hex(code, 2)} is not seccomp BPF)`;
}

function contentAfter(insn: BpfInstruction, before: AContent): AContent {
  if (insn.code === OP.LD_W_ABS) {
    if (insn.k === SECCOMP_DATA.nr) return 'nr';
    return insn.k === SECCOMP_DATA.arch ? 'arch' : 'other';
  }
  const writesA =
    bpfClass(insn.code) === BPF.BPF_LD ||
    bpfClass(insn.code) === BPF.BPF_ALU ||
    insn.code === OP.TXA;
  return writesA ? 'other' : before;
}

function successors(insn: BpfInstruction, pc: number): number[] {
  if (bpfClass(insn.code) === BPF.BPF_RET) return [];
  if (insn.code === OP.JA) return [pc + 1 + insn.k];
  if (isConditionalJump(insn.code)) return [pc + 1 + insn.jt, pc + 1 + insn.jf];
  return [pc + 1];
}

/** What A holds on entry to each instruction, agreed on by every path reaching it. */
function accumulatorContents(p: BpfProgram): AContent[] {
  const contents: (AContent | undefined)[] = new Array(p.length).fill(undefined);
  contents[0] = 'other';
  p.forEach((insn, pc) => {
    const after = contentAfter(insn, contents[pc] ?? 'other');
    for (const next of successors(insn, pc)) {
      if (next >= p.length) continue;
      const known = contents[next];
      contents[next] = known === undefined || known === after ? after : 'other';
    }
  });
  return contents.map((c) => c ?? 'other');
}

/**
 * seccomp-tools style listing: raw fields, then C-like text where syscall numbers and arches are
 * named when the accumulator is known to hold them on every path. Never throws on bad input.
 */
export function disassemble(p: BpfProgram, arch: Arch = 'x86_64'): string {
  const contents = accumulatorContents(p);
  const lines = p.map((insn, pc) => {
    const fields = `${hex(insn.code, 2)} ${hex(insn.jt, 2)} ${hex(insn.jf, 2)} ${hex(insn.k, 8)}`;
    return ` ${lineNumber(pc)}: ${fields}  ${describe(insn, pc, contents[pc] ?? 'other', arch)}`;
  });
  return [HEADER, ...lines].join('\n') + '\n';
}

/** One `code jt jf k` line per instruction, in hex. */
export function toHex(p: BpfProgram): string {
  return p
    .map((insn) => `${hex(insn.code, 2)} ${hex(insn.jt, 2)} ${hex(insn.jf, 2)} ${hex(insn.k, 8)}\n`)
    .join('');
}

/** A JSON array of `{code, jt, jf, k}`, one instruction per line. */
export function toJson(p: BpfProgram): string {
  if (p.length === 0) return '[]\n';
  const rows = p.map(
    (insn) => `  {"code": ${insn.code}, "jt": ${insn.jt}, "jf": ${insn.jf}, "k": ${insn.k}}`,
  );
  return `[\n${rows.join(',\n')}\n]\n`;
}
