import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../app/policy/parse';
import type { Policy } from '../../../app/policy/model';
import { compiledView, panelArches } from './compiled-view';
import { rulesAtOffset } from './rules-at-offset';

const TEXT = `version: 1
linux:
  seccomp:
    arch: [x86_64, aarch64]
    default: kill-process
    rules:
      - allow: [read, write]
      - allow: ioctl
        when: "arg1 == TCGETS"
`;

function parsed(text: string, readInclude?: (path: string) => string): Policy {
  const { policy, diagnostics } = parsePolicy(
    text,
    readInclude ? { readInclude, path: 'main.sandbox.yaml' } : {},
  );
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return policy;
}

describe('compiledView', () => {
  const policy = parsed(TEXT);

  it('compiles one arch with its listing, graph and rule origins', () => {
    const result = compiledView(policy, 'aarch64');
    if (!result.ok) throw new Error(result.error);
    const { view } = result;
    expect(view.listing).toHaveLength(view.program.length);
    expect(view.listing[0]).toBe('A = arch');
    expect(view.listing.join('\n')).toContain('ARCH_AARCH64');
    expect(view.listing.join('\n')).not.toContain('ARCH_X86_64');
    expect(view.stats.instructions).toBe(view.program.length);
    expect([...view.origins.byRule.keys()]).toEqual([0, 1]);
    expect(view.graph.nodes[0]?.label).toBe('arch == ARCH_AARCH64');
  });

  it('offers the policy’s arches', () => {
    expect(panelArches(policy)).toEqual(['x86_64', 'aarch64']);
    expect(panelArches(undefined)).toEqual(['x86_64']);
    expect(panelArches(parsed('version: 1\n'))).toEqual(['x86_64']);
  });

  it('reports a filter over the kernel limit as an error', () => {
    const rules = Array.from(
      { length: 900 },
      (_, i) => `      - allow: read\n        when: "arg0 == ${i} && arg1 == ${i}"`,
    ).join('\n');
    const result = compiledView(
      parsed(`version: 1\nlinux:\n  seccomp:\n    rules:\n${rules}\n`),
      'x86_64',
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/instructions/);
  });
});

describe('rulesAtOffset', () => {
  const policy = parsed(TEXT);

  it('finds the rule under the cursor, its when: line included', () => {
    expect(rulesAtOffset(policy, TEXT.indexOf('write'))).toEqual([0]);
    expect(rulesAtOffset(policy, TEXT.indexOf('TCGETS'))).toEqual([1]);
    expect(rulesAtOffset(policy, TEXT.indexOf('default'))).toEqual([]);
    expect(rulesAtOffset(policy, null)).toEqual([]);
    expect(rulesAtOffset(undefined, 3)).toEqual([]);
  });

  it('maps an include entry to every rule it brings in', () => {
    const base =
      'version: 1\nlinux:\n  seccomp:\n    rules:\n      - allow: [read]\n      - allow: [write]\n';
    const main =
      'version: 1\ninclude: [base.sandbox.yaml]\nlinux:\n  seccomp:\n    rules:\n      - allow: [close]\n';
    const policy = parsed(main, () => base);
    expect(rulesAtOffset(policy, main.indexOf('base.sandbox'))).toEqual([0, 1]);
    expect(rulesAtOffset(policy, main.indexOf('close'))).toEqual([2]);
  });
});
