import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LIBSECCOMP_ARCHES,
  libseccompRequest,
  type LibseccompFilter,
} from '../../app/formats/libseccomp-filter';
import {
  LibseccompMeaningError,
  ourArch,
  resolveLibseccompFilter,
} from '../../app/formats/libseccomp-meaning';
import { ociToLibseccomp } from '../../app/formats/oci-seccomp';
import { parseOciSeccomp } from '../../app/formats/oci-seccomp-schema';
import type { ResolvedPolicy } from '../../app/policy/resolved';
import { checkPrograms, describeFinding, type CheckSummary } from './differential-check';
import {
  exportWithLibseccomp,
  libseccompUnavailable,
  namesLibseccompAgreesOn,
  withoutSkipped,
  type LibseccompExport,
} from './libseccomp';
import { compileOurs, unsupportedByOurCompiler } from './our-compiler';
import { libseccompFilterArbitrary } from './random-filters';
import { inputsFor } from './seccomp-inputs';

/*
 * Differential tests against libseccomp 2.5.4 (Debian python3-seccomp): random and edge-case
 * filters in the part of libseccomp whose meaning is defined are compiled by libseccomp and, as
 * the resolved policy they mean, by our compiler; both programs run in our emulator on edge-case
 * and random seccomp_data. libseccomp must do what the policy means (or its documented
 * deviation), ours exactly what it means. Policies our compiler cannot take yet are checked on
 * libseccomp's side only, against the reference interpreter.
 */

const unavailable = libseccompUnavailable();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const ARCHES = LIBSECCOMP_ARCHES.filter((a) => ourArch(a) !== undefined);
const DOCKER_PROFILE = join(
  import.meta.dirname,
  '..',
  '..',
  'bench',
  'profiles',
  'docker-default.json',
);

interface Case {
  readonly filter: LibseccompFilter;
  readonly policy: ResolvedPolicy;
  readonly exported: LibseccompExport;
}

/** Exports the filters whose meaning is defined; the others are counted, not exported. */
function prepare(filters: readonly LibseccompFilter[]): {
  cases: Case[];
  undefinedMeaning: number;
} {
  const defined = filters.filter((filter) => {
    try {
      resolveLibseccompFilter(filter);
      return true;
    } catch (error) {
      if (error instanceof LibseccompMeaningError) return false;
      throw error;
    }
  });
  const exports = exportWithLibseccomp(defined);
  const cases = defined.map((filter, i) => {
    const exported = exports[i];
    if (!exported) throw new Error(`libseccomp returned no program for filter ${i}`);
    const policy = resolveLibseccompFilter(withoutSkipped(filter, exported));
    return { filter, policy, exported };
  });
  return { cases, undefinedMeaning: filters.length - defined.length };
}

function check(c: Case, seed: number): CheckSummary & { ours: boolean } {
  const supported = unsupportedByOurCompiler(c.policy) === undefined;
  const ours = supported ? compileOurs(c.policy) : undefined;
  const summary = checkPrograms(
    c.filter,
    c.policy,
    c.exported.program,
    ours,
    inputsFor(c.policy, seed),
  );
  return { ...summary, ours: supported };
}

/**
 * Fails on any finding except libseccomp's own known bug (libseccomp-expectation.ts); returns how
 * many of those there were.
 */
function expectNoFindings(c: Case, summary: CheckSummary): number {
  const unexplained = summary.findings.filter((f) => f.knownBug === undefined);
  if (unexplained.length === 0) return summary.findings.length;
  const shown = unexplained.slice(0, 5).map(describeFinding);
  const filter = JSON.stringify(libseccompRequest(c.filter));
  return expect.fail(`${unexplained.length} mismatches for ${filter}:\n${shown.join('\n')}`);
}

/** Computed on first use: it asks libseccomp, which may be missing. */
let agreedNames: readonly string[] | undefined;

function runRandom(withArgs: boolean, seed: number, count: number) {
  agreedNames ??= namesLibseccompAgreesOn(ARCHES).agreeing;
  const names = agreedNames;
  const filters = fc.sample(libseccompFilterArbitrary({ arches: ARCHES, withArgs, names }), {
    seed,
    numRuns: count,
  });
  const { cases, undefinedMeaning } = prepare(filters);
  let inputs = 0;
  let oursCompiled = 0;
  let libseccompBugs = 0;
  cases.forEach((c, i) => {
    const summary = check(c, seed + i);
    if (expectNoFindings(c, summary) > 0) libseccompBugs++;
    inputs += summary.inputs;
    if (summary.ours) oursCompiled++;
  });
  return { cases: cases.length, undefinedMeaning, inputs, oursCompiled, libseccompBugs };
}

describe.skipIf(unavailable !== undefined && !inCi)('differential: libseccomp 2.5.4', () => {
  it('numbers syscalls as our tables do, except where it multiplexes or lacks an alias', () => {
    // x86: socket and IPC calls (libseccomp routes them through socketcall/ipc);
    // arm: sync_file_range2, which the headers define as an alias of arm_sync_file_range.
    const differing = namesLibseccompAgreesOn(ARCHES).differing;
    expect(differing).toContain('socket');
    expect(differing.length).toBeLessThan(40);
  });

  it('has libseccomp (python3-seccomp) in CI', () => {
    expect(unavailable).toBeUndefined();
  });

  it('agrees on random filters without argument conditions', () => {
    const result = runRandom(false, 0x5eed, 150);
    expect(result.cases).toBeGreaterThan(140);
    expect(result.inputs).toBeGreaterThan(150 * 200);
    expect(result.oursCompiled).toBeGreaterThan(0);
  });

  it('agrees on random filters with argument conditions', () => {
    const result = runRandom(true, 0xa695, 150);
    // Overlapping rules with different actions have no defined meaning; most filters have one.
    expect(result.cases).toBeGreaterThan(100);
    expect(result.inputs).toBeGreaterThan(100 * 200);
  });

  it('agrees on edge-case filters', () => {
    const kill = { kind: 'kill-process' } as const;
    const allow = { kind: 'allow' } as const;
    const arches = ARCHES.map((a) => [a]);
    const filters: LibseccompFilter[] = arches.flatMap((archList) => [
      { arches: archList, defaultAction: allow, badArchAction: kill, optimize: 1, rules: [] },
      {
        arches: archList,
        defaultAction: { kind: 'errno', errno: 4094 },
        badArchAction: { kind: 'trap' },
        optimize: 2,
        rules: [{ syscall: 'read', action: allow, args: [] }],
      },
      {
        arches: archList,
        defaultAction: kill,
        badArchAction: { kind: 'errno', errno: 38 },
        optimize: 2,
        rules: [
          {
            syscall: 'close',
            action: allow,
            args: [{ arg: 0, op: 'LE', value: (1n << 64n) - 1n }],
          },
          { syscall: 'read', action: allow, args: [{ arg: 0, op: 'GT', value: 0xffffffffn }] },
          { syscall: 'write', action: allow, args: [{ arg: 2, op: 'LT', value: 1n << 32n }] },
          { syscall: 'dup', action: allow, args: [{ arg: 0, op: 'NE', value: 0x1_0000_0001n }] },
          {
            syscall: 'mmap',
            action: allow,
            args: [{ arg: 2, op: 'MASKED_EQ', mask: 0xff00000000ff0000n, value: 0x1ffn }],
          },
        ],
      },
    ]);
    const { cases } = prepare(filters);
    expect(cases).toHaveLength(filters.length);
    cases.forEach((c, i) => expectNoFindings(c, check(c, i)));
  });

  it("agrees on Docker's default profile (x86_64 + x86 + x32), linear and binary tree", () => {
    const parsed = parseOciSeccomp(readFileSync(DOCKER_PROFILE, 'utf8'));
    if (!parsed.profile) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
    const profile = parsed.profile;
    // Until every arch has a syscall table, the arches that have one.
    const filters = ([1, 2] as const)
      .map((optimize) => ociToLibseccomp(profile, { optimize }))
      .map((f) => ({ ...f, arches: f.arches.filter((a) => ourArch(a) !== undefined) }));
    const { cases } = prepare(filters);
    expect(cases).toHaveLength(2);
    for (const [i, c] of cases.entries()) {
      const summary = check(c, 100 + i);
      expectNoFindings(c, summary);
      expect(summary.documented + summary.unmodelled).toBeLessThan(summary.inputs / 10);
    }
  });
});
