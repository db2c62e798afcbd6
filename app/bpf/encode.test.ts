import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile';
import { decodeProgram, encodeProgram, EncodingError } from './encode';
import type { BpfProgram } from './program';
import { ALLOW, KILL_PROCESS, namesByNumber, rule, seccompPolicy } from './test-helpers';

describe('encodeProgram / decodeProgram', () => {
  it('lays out struct sock_filter little-endian: u16 code, u8 jt, u8 jf, u32 k', () => {
    const bytes = encodeProgram([{ code: 0x0115, jt: 0x02, jf: 0x03, k: 0xc000003e }]);
    expect([...bytes]).toEqual([0x15, 0x01, 0x02, 0x03, 0x3e, 0x00, 0x00, 0xc0]);
  });

  it('round-trips a compiled policy', () => {
    const policy = seccompPolicy(KILL_PROCESS, [rule(ALLOW, namesByNumber().slice(0, 50))]);
    const { program } = compilePolicy(policy);
    const bytes = encodeProgram(program);
    expect(bytes).toHaveLength(program.length * 8);
    expect(decodeProgram(bytes)).toEqual(program);
  });

  it('round-trips any instructions (fast-check)', () => {
    const insn = fc.record({
      code: fc.integer({ min: 0, max: 0xffff }),
      jt: fc.integer({ min: 0, max: 0xff }),
      jf: fc.integer({ min: 0, max: 0xff }),
      k: fc.integer({ min: 0, max: 0xffffffff }),
    });
    fc.assert(
      fc.property(fc.array(insn, { maxLength: 50 }), (program: BpfProgram) => {
        expect(decodeProgram(encodeProgram(program))).toEqual(program);
      }),
    );
  });

  it('decodes from a view into a larger buffer', () => {
    const bytes = encodeProgram([{ code: 6, jt: 0, jf: 0, k: 0x7fff0000 }]);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(decodeProgram(padded.subarray(3))).toEqual([{ code: 6, jt: 0, jf: 0, k: 0x7fff0000 }]);
  });

  it('refuses byte counts that are not a multiple of 8', () => {
    expect(() => decodeProgram(new Uint8Array(12))).toThrow(EncodingError);
    expect(() => decodeProgram(new Uint8Array(12))).toThrow(/got 12 bytes/);
  });

  it('refuses fields that do not fit', () => {
    expect(() => encodeProgram([{ code: 6, jt: 256, jf: 0, k: 0 }])).toThrow(
      /instruction 0: jt 256 does not fit/,
    );
    expect(() => encodeProgram([{ code: 6, jt: 0, jf: 0, k: -1 }])).toThrow(/k -1 does not fit/);
    expect(() => encodeProgram([{ code: 0x10000, jt: 0, jf: 0, k: 0 }])).toThrow(/code/);
  });
});
