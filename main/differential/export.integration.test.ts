import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION, CONDITION } from '../../app/bpf/compile-arbitraries';
import { LIBSECCOMP_ARCHES, type LibseccompFilter } from '../../app/formats/libseccomp-filter';
import { ourArch } from '../../app/formats/libseccomp-meaning';
import {
  LibseccompExportError,
  resolvedToLibseccomp,
} from '../../app/formats/resolved-to-libseccomp';
import { archInfo, type Arch } from '../../app/linux/arches';
import { syscallNumber } from '../../app/linux/syscalls';
import type { SeccompAction } from '../../app/policy/model';
import { parsePolicy } from '../../app/policy/parse';
import { resolvePolicy } from '../../app/policy/resolve';
import type { ArgCondition, ResolvedPolicy } from '../../app/policy/resolved';
import { checkPrograms, describeFinding } from './differential-check';
import { exportWithLibseccomp, libseccompUnavailable, namesLibseccompAgreesOn } from './libseccomp';
import { inputsFor } from './seccomp-inputs';

/*
 * Our policies exported as libseccomp rules (app/formats/resolved-to-libseccomp.ts) and compiled
 * by libseccomp 2.5.4 must give every input the verdict the policy gives it: the exporter writes
 * first-match rules, sets, negations and casts as rules libseccomp compiles correctly.
 */

const unavailable = libseccompUnavailable();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const ARCHES = LIBSECCOMP_ARCHES.filter((a) => ourArch(a) !== undefined);
const ROOT = join(import.meta.dirname, '..', '..');

/** libseccomp refuses TRAP with data and errno 4095; the rest of our actions it has. */
function expressible(action: SeccompAction): SeccompAction {
  if (action.kind === 'trap') return { kind: 'trap' };
  if (action.kind === 'errno') return { kind: 'errno', errno: Math.min(action.errno, 4094) };
  return action;
}

type RuleSpec = [string, SeccompAction, ArgCondition];

function policyFor(arches: readonly Arch[], rules: readonly RuleSpec[], d: SeccompAction) {
  const policy: ResolvedPolicy = {
    arches: arches.map((arch) => ({
      arch,
      auditArch: archInfo(arch).auditArch,
      defaultAction: expressible(d),
      rules: rules.flatMap(([name, action, condition], ruleIndex) => {
        const nr = syscallNumber(arch, name);
        const range = {
          start: { line: 1, column: 1, offset: 0 },
          end: { line: 1, column: 1, offset: 0 },
        };
        return nr === undefined
          ? []
          : [{ nr, action: expressible(action), condition, ruleIndex, range }];
      }),
      unresolved: [],
    })),
    badArchAction: { kind: 'kill-process' },
  };
  return policy;
}

function check(cases: readonly { policy: ResolvedPolicy; filter: LibseccompFilter }[]) {
  const exported = exportWithLibseccomp(cases.map((c) => c.filter));
  let inputs = 0;
  cases.forEach(({ policy, filter }, i) => {
    const program = exported[i]?.program ?? [];
    expect(exported[i]?.skipped).toEqual([]);
    const summary = checkPrograms(filter, policy, program, undefined, inputsFor(policy, i, 100));
    inputs += summary.inputs;
    const shown = summary.findings.slice(0, 5).map(describeFinding).join('\n');
    expect(shown).toBe('');
  });
  return inputs;
}

describe.skipIf(unavailable !== undefined && !inCi)(
  'differential: policies exported to libseccomp',
  () => {
    it('exports the OpenSSH example so that libseccomp means the same', () => {
      const file = join(ROOT, 'examples', 'openssh-preauth.sandbox.yaml');
      const parsed = parsePolicy(readFileSync(file, 'utf8'), { path: file });
      if (!parsed.policy) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
      const policy = resolvePolicy(parsed.policy);
      expect(check([{ policy, filter: resolvedToLibseccomp(policy) }])).toBeGreaterThan(500);
    });

    it('exports random policies so that libseccomp means the same', () => {
      const names = namesLibseccompAgreesOn(ARCHES).agreeing.filter((n) =>
        ['read', 'write', 'ioctl', 'mmap', 'openat', 'close', 'futex', 'madvise'].includes(n),
      );
      const spec = fc.record({
        arches: fc.shuffledSubarray([...ARCHES], { minLength: 1, maxLength: 3 }),
        rules: fc.array(fc.tuple(fc.constantFrom(...names), ACTION, CONDITION), { maxLength: 6 }),
        defaultAction: ACTION,
      });
      const cases = fc.sample(spec, { seed: 0xe7, numRuns: 250 }).flatMap((s) => {
        const arches = s.arches.flatMap((a) => ourArch(a) ?? []);
        const policy = policyFor(arches, s.rules as RuleSpec[], s.defaultAction);
        try {
          return [{ policy, filter: resolvedToLibseccomp(policy) }];
        } catch (error) {
          if (error instanceof LibseccompExportError) return [];
          throw error;
        }
      });
      expect(cases.length).toBeGreaterThan(60);
      expect(check(cases)).toBeGreaterThan(cases.length * 100);
    });
  },
);
