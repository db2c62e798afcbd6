import fc from 'fast-check';
import { AUDIT_ARCH, BPF, SECCOMP } from '../linux/constants';
import { jump, OP, SECCOMP_DATA, stmt } from './encode';
import type { BpfInstruction, BpfProgram } from './program';

/**
 * fast-check generators of programs the kernel's verifier accepts, built structurally: jumps go
 * forward and land inside, scratch slots are stored before any jump and only those are loaded,
 * constant divisions and shifts are legal, the last instruction is a RET. For tests only.
 */

export interface ProgramShape {
  /** Only instructions whose text shows every field (so text without the fields reads back). */
  readonly canonical: boolean;
}

const u32 = fc.nat({ max: 0xffffffff });
const interestingK = fc.oneof(
  u32,
  fc.nat({ max: 600 }),
  fc.constantFrom(...Object.values(AUDIT_ARCH).map((v) => v >>> 0)),
  fc.constantFrom(0x40000000, 0x40000001, 0x40000200),
);
const dataOffset = fc.nat({ max: SECCOMP_DATA.size / 4 - 1 }).map((w) => w * 4);

const ALU_K_OPS = ['ADD', 'SUB', 'MUL', 'DIV', 'AND', 'OR', 'XOR', 'LSH', 'RSH'] as const;
const JUMP_OPS = ['JEQ', 'JGT', 'JGE', 'JSET'] as const;

const RETURNS = fc.oneof(
  fc.constantFrom(...Object.values(SECCOMP).map((v) => v >>> 0)),
  fc
    .tuple(
      fc.constantFrom(
        SECCOMP.SECCOMP_RET_ERRNO,
        SECCOMP.SECCOMP_RET_TRACE,
        SECCOMP.SECCOMP_RET_TRAP,
        SECCOMP.SECCOMP_RET_KILL_PROCESS >>> 0,
      ),
      fc.nat({ max: 0xffff }),
    )
    .map(([action, data]) => (action | data) >>> 0),
  u32,
);

/** Instructions without control flow; `slots` are the scratch words known to be stored. */
function straight(slots: readonly number[], shape: ProgramShape): fc.Arbitrary<BpfInstruction> {
  const slot = fc.nat({ max: BPF.BPF_MEMWORDS - 1 });
  const noise = shape.canonical ? fc.constant(0) : u32;
  const options: fc.Arbitrary<BpfInstruction>[] = [
    dataOffset.map((k) => stmt(OP.LD_W_ABS, k)),
    u32.map((k) => stmt(OP.LD_IMM, k)),
    u32.map((k) => stmt(OP.LDX_IMM, k)),
    noise.map((k) => stmt(OP.LD_W_LEN, k)),
    noise.map((k) => stmt(OP.LDX_W_LEN, k)),
    slot.map((k) => stmt(OP.ST, k)),
    slot.map((k) => stmt(OP.STX, k)),
    noise.map((k) => stmt(OP.TAX, k)),
    noise.map((k) => stmt(OP.TXA, k)),
    noise.map((k) => stmt(BPF.BPF_ALU | BPF.BPF_NEG, k)),
    fc.tuple(fc.constantFrom(...ALU_K_OPS), u32).map(([op, k]) => {
      const value = op === 'DIV' ? k || 1 : op === 'LSH' || op === 'RSH' ? k % 32 : k;
      return stmt(BPF.BPF_ALU | BPF[`BPF_${op}`] | BPF.BPF_K, value);
    }),
    fc
      .tuple(fc.constantFrom(...ALU_K_OPS), noise)
      .map(([op, k]) => stmt(BPF.BPF_ALU | BPF[`BPF_${op}`] | BPF.BPF_X, k)),
  ];
  if (slots.length > 0) {
    const stored = fc.constantFrom(...slots);
    options.push(
      stored.map((k) => stmt(OP.LD_MEM, k)),
      stored.map((k) => stmt(OP.LDX_MEM, k)),
    );
  }
  return fc.oneof(...options);
}

/** A jump at `pc` of a program of `length` instructions. */
function control(pc: number, length: number, shape: ProgramShape): fc.Arbitrary<BpfInstruction> {
  const room = length - pc - 2;
  const offset = fc.nat({ max: Math.min(room, 0xff) });
  const conditional = fc
    .tuple(fc.constantFrom(...JUMP_OPS), fc.boolean(), interestingK, offset, offset)
    .filter(([, , , jt, jf]) => !shape.canonical || jt !== jf)
    .map(([op, fromX, k, jt, jf]) => {
      const source = fromX ? BPF.BPF_X : BPF.BPF_K;
      return jump(
        BPF.BPF_JMP | BPF[`BPF_${op}`] | source,
        fromX && shape.canonical ? 0 : k,
        jt,
        jf,
      );
    });
  const always = fc.nat({ max: room }).map((k) => stmt(OP.JA, k));
  return room >= 1 || !shape.canonical ? fc.oneof(conditional, always) : always;
}

function ret(shape: ProgramShape): fc.Arbitrary<BpfInstruction> {
  const noise = shape.canonical ? fc.constant(0) : u32;
  return fc.oneof(
    RETURNS.map((k) => stmt(OP.RET_K, k)),
    noise.map((k) => stmt(OP.RET_A, k)),
  );
}

/** A verifiable program of 1..maxLength instructions. */
export function validProgram(
  shape: ProgramShape = { canonical: false },
  maxLength = 40,
): fc.Arbitrary<BpfProgram> {
  return fc
    .record({
      length: fc.integer({ min: 1, max: maxLength }),
      slots: fc.uniqueArray(fc.nat({ max: BPF.BPF_MEMWORDS - 1 }), { maxLength: 4 }),
      seed: fc.infiniteStream(fc.nat({ max: 99 })),
    })
    .chain(({ length, slots, seed }) => {
      const stored = slots.slice(0, length - 1);
      const items: fc.Arbitrary<BpfInstruction>[] = stored.map((k) => fc.constant(stmt(OP.ST, k)));
      for (const roll of seed.take(length - 1 - stored.length)) {
        const pc = items.length;
        if (roll < 30) items.push(control(pc, length, shape));
        else if (roll < 40) items.push(ret(shape));
        else items.push(straight(stored, shape));
      }
      items.push(ret(shape));
      return fc.tuple(...items);
    });
}
