import type { InstructionOrigins } from '../../../app/bpf/rule-instructions';

/** Which instructions to highlight for the rules at the cursor. */
export interface Highlight {
  /** The rules' own code: tests of their syscalls, argument checks, returns. */
  readonly own: ReadonlySet<number>;
  /** The shared dispatch leading there. */
  readonly path: ReadonlySet<number>;
  /** The steps (`from>to`) the rules' syscalls can take. */
  readonly steps: ReadonlySet<string>;
}

export const NO_HIGHLIGHT: Highlight = { own: new Set(), path: new Set(), steps: new Set() };

export function highlightFor(origins: InstructionOrigins, rules: readonly number[]): Highlight {
  if (rules.length === 0) return NO_HIGHLIGHT;
  const own = new Set<number>();
  const path = new Set<number>();
  const steps = new Set<string>();
  for (const rule of rules) {
    const mapped = origins.byRule.get(rule);
    for (const pc of mapped?.own ?? []) own.add(pc);
    for (const pc of mapped?.path ?? []) path.add(pc);
    for (const step of mapped?.steps ?? []) steps.add(step);
  }
  for (const pc of own) path.delete(pc);
  return { own, path, steps };
}

/** How an instruction (or a graph node's instructions) is highlighted. */
export function highlightOf(highlight: Highlight, pcs: readonly number[]): 'own' | 'path' | null {
  if (pcs.some((pc) => highlight.own.has(pc))) return 'own';
  if (pcs.some((pc) => highlight.path.has(pc))) return 'path';
  return null;
}
