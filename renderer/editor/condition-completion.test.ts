import { describe, expect, it } from 'vitest';
import { conditionCompletions } from './condition-completion';

const POLICY = `linux:
  seccomp:
    rules:
      - allow: [mmap, mprotect]
        when: "arg2 & PROT_EX"
      - allow: read
        when: ""
      - allow: write
        when: "arg0 == 1"
`;

describe('conditionCompletions', () => {
  it('offers arguments with their parameters, keywords and constants for the word', () => {
    const offset = POLICY.indexOf('PROT_EX') + 'PROT_EX'.length;
    const answer = conditionCompletions(POLICY, offset)!;
    expect(answer.start).toBe(POLICY.indexOf('PROT_EX'));
    expect(answer.end).toBe(offset);
    const arg2 = answer.suggestions.find((s) => s.label === 'arg2');
    expect(arg2).toMatchObject({
      kind: 'argument',
      detail: 'mmap: int prot; mprotect: int prot',
      sortText: '0-2',
    });
    const prot = answer.suggestions.find((s) => s.label === 'PROT_EXEC');
    expect(prot).toMatchObject({
      kind: 'constant',
      insertText: 'PROT_EXEC',
      detail: '0x4 on x86_64',
    });
    const keywords = answer.suggestions.filter((s) => s.kind === 'keyword').map((s) => s.label);
    expect(keywords).toEqual(['in', 'not in', 'allof', 'anyof', 'noneof']);
  });

  it('replaces the whole word around the cursor', () => {
    const offset = POLICY.indexOf('PROT_EX') + 2;
    const answer = conditionCompletions(POLICY, offset)!;
    expect([answer.start, answer.end]).toEqual([
      POLICY.indexOf('PROT_EX'),
      POLICY.indexOf('PROT_EX') + 'PROT_EX'.length,
    ]);
  });

  it('works in an empty condition', () => {
    const offset = POLICY.indexOf('""') + 1;
    const answer = conditionCompletions(POLICY, offset)!;
    expect([answer.start, answer.end]).toEqual([offset, offset]);
    expect(answer.suggestions.find((s) => s.label === 'arg0')?.detail).toBe('read: int fd');
  });

  it('stays quiet in numbers and outside conditions', () => {
    expect(conditionCompletions(POLICY, POLICY.indexOf('== 1') + 4)).toBeUndefined();
    expect(conditionCompletions(POLICY, POLICY.indexOf('mmap'))).toBeUndefined();
  });
});
