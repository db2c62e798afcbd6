import { describe, expect, it } from 'vitest';
import type { InstructionOrigins } from '../../../app/bpf/rule-instructions';
import { highlightFor, highlightOf, NO_HIGHLIGHT } from './highlight';

const ORIGINS: InstructionOrigins = {
  byRule: new Map([
    [0, { own: [3, 9], path: [0, 1, 2], steps: ['0>1', '3>9'] }],
    [1, { own: [4, 5, 9], path: [0, 1, 2, 3], steps: ['0>1', '5>9'] }],
  ]),
  byInstruction: [],
};

describe('highlightFor', () => {
  it('joins the rules’ instructions, own code winning over path', () => {
    const both = highlightFor(ORIGINS, [0, 1]);
    expect([...both.own].sort()).toEqual([3, 4, 5, 9]);
    expect([...both.path].sort()).toEqual([0, 1, 2]);
    expect([...both.steps].sort()).toEqual(['0>1', '3>9', '5>9']);
    expect(highlightFor(ORIGINS, [])).toBe(NO_HIGHLIGHT);
    expect(highlightFor(ORIGINS, [7])).toEqual({
      own: new Set(),
      path: new Set(),
      steps: new Set(),
    });
  });

  it('classifies instructions and groups of them', () => {
    const one = highlightFor(ORIGINS, [0]);
    expect(highlightOf(one, [3])).toBe('own');
    expect(highlightOf(one, [1, 3])).toBe('own');
    expect(highlightOf(one, [2])).toBe('path');
    expect(highlightOf(one, [4])).toBeNull();
  });
});
