import { conditionText } from '../bpf/decompile-yaml';
import { archInfo } from '../linux/arches';
import { canonicalCapabilityName } from '../linux/capabilities';
import { syscallNumber, type Arch } from '../linux/syscalls';
import type { ArgCompare, ArgCondition } from '../policy/resolved';
import type { SourceRange } from '../policy/source-range';
import { FormatError, type FormatWarning, type PolicyImport } from './format-result';
import {
  describeLibseccompAction,
  sameLibseccompAction,
  type LibseccompAction,
  type LibseccompArgCompare,
  type LibseccompFilter,
  type LibseccompRule,
} from './libseccomp-filter';
import { LibseccompMeaningError, ourArch, resolveLibseccompFilter } from './libseccomp-meaning';
import {
  DOCKER_DEFAULT_CAPABILITIES,
  OciImportError,
  ociEntryExclusion,
  ociToLibseccomp,
  type OciImportOptions,
} from './oci-seccomp';
import { parseOciSeccomp, type OciSeccompProfile } from './oci-seccomp-schema';
import { checkedPolicyText, type DraftRule, type PolicyDraft } from './policy-draft';

/*
 * An OCI seccomp profile (Docker, Podman, containerd, Kubernetes) as one of our policies. The
 * profile means the libseccomp filter runc builds from it on the chosen host (oci-seccomp.ts:
 * includes/excludes by arch, capability and kernel applied); that filter's rules are written as
 * policy rules by syscall name, in the order that gives our first-match semantics libseccomp's
 * meaning (libseccomp-meaning.ts): per name, an unconditional rule alone, else the conditional
 * rules OR-ed per action (libseccomp-meaning.ts has already refused overlapping ones).
 */

export interface OciPolicyImportOptions extends OciImportOptions {
  /** What the profile is called in comments (a file name). */
  readonly source?: string;
}

interface NameRules {
  readonly name: string;
  /** Index of the first rule of this name in the filter: where its policy rule goes. */
  readonly first: number;
  readonly unconditional?: LibseccompRule;
  readonly conditional: readonly LibseccompRule[];
}

function capabilitySet(options: OciImportOptions): string[] {
  return (options.capabilities ?? DOCKER_DEFAULT_CAPABILITIES).map((written) => {
    const name = canonicalCapabilityName(written);
    if (name === undefined) throw new FormatError(`unknown capability "${written}"`);
    return name;
  });
}

function ourArches(filter: LibseccompFilter): Arch[] {
  return filter.arches.map((a) => {
    const arch = ourArch(a);
    if (arch === undefined) throw new FormatError(`no syscall table for libseccomp arch ${a}`);
    return arch;
  });
}

/** The rules libseccomp keeps, by syscall name (see libseccomp-meaning.ts). */
function rulesByName(filter: LibseccompFilter, arches: readonly Arch[]): NameRules[] {
  const byName = new Map<string, { first: number; rules: LibseccompRule[] }>();
  filter.rules.forEach((rule, index) => {
    if (sameLibseccompAction(rule.action, filter.defaultAction)) return;
    if (!arches.some((a) => syscallNumber(a, rule.syscall) !== undefined)) return;
    const entry = byName.get(rule.syscall) ?? { first: index, rules: [] };
    entry.rules.push(rule);
    byName.set(rule.syscall, entry);
  });
  return [...byName].map(([name, { first, rules }]) => {
    const unconditional = rules.find((r) => effectiveArgs(r).length === 0);
    return unconditional
      ? { name, first, unconditional, conditional: [] }
      : { name, first, conditional: rules };
  });
}

/** MASKED_EQ with a zero mask always holds: libseccomp drops it from the rule. */
function effectiveArgs(rule: LibseccompRule): LibseccompArgCompare[] {
  return rule.args.filter((a) => a.op !== 'MASKED_EQ' || (a.mask ?? 0n) !== 0n);
}

const OPS: Record<LibseccompArgCompare['op'], ArgCompare['op']> = {
  EQ: '==',
  NE: '!=',
  LT: '<',
  LE: '<=',
  GT: '>',
  GE: '>=',
  MASKED_EQ: '==',
};

/** 32-bit ABIs have 32-bit arguments: a wider value would be truncated by libseccomp. */
function checkWidth(compare: LibseccompArgCompare, rule: LibseccompRule, arches: readonly Arch[]) {
  const narrow = arches.find((a) => archInfo(a).bits === 32);
  const wide = [compare.value, compare.mask ?? 0n].find((v) => v > 0xffff_ffffn);
  if (narrow === undefined || wide === undefined) return;
  throw new FormatError(
    `${rule.syscall}: arg${compare.arg}: 0x${wide.toString(16)} does not fit the 32-bit ` +
      `arguments of ${narrow}; libseccomp would silently truncate it`,
    rule.range,
  );
}

function argCompare(compare: LibseccompArgCompare): ArgCompare {
  const mask = compare.op === 'MASKED_EQ' ? compare.mask : undefined;
  return {
    kind: 'cmp',
    arg: compare.arg,
    op: OPS[compare.op],
    value: mask === undefined ? compare.value : compare.value & mask,
    ...(mask === undefined ? {} : { mask }),
    width: 64,
    signed: false,
  };
}

function chainCondition(rule: LibseccompRule, arches: readonly Arch[]): ArgCondition {
  const args = effectiveArgs(rule);
  args.forEach((a) => checkWidth(a, rule, arches));
  const items = args.map(argCompare);
  return items.length === 1 && items[0] ? items[0] : { kind: 'and', items };
}

interface PlacedRule {
  readonly at: number;
  readonly rule: DraftRule;
}

function ruleKey(action: LibseccompAction, when: string | undefined): string {
  return `${describeLibseccompAction(action)}|${when ?? ''}`;
}

function entryWhere(profile: OciSeccompProfile, range: SourceRange | undefined): string {
  const index = entryIndex(profile, range);
  return index < 0 ? '' : `syscalls[${index}] (line ${profile.syscalls[index]?.range.start.line})`;
}

/** Where rules came from in the profile, and the entry's own comment and conditions. */
function entryComment(profile: OciSeccompProfile, rules: readonly LibseccompRule[]): string[] {
  const entries = [...new Set(rules.map((r) => entryIndex(profile, r.range)))];
  const entry = profile.syscalls[entries[0] ?? -1];
  if (!entry) return [];
  const where = entries.map((i) => entryWhere(profile, profile.syscalls[i]?.range)).join(', ');
  const why = [
    entry.includes?.caps?.length ? `with ${entry.includes.caps.join(', ')}` : '',
    entry.includes?.arches?.length ? `on ${entry.includes.arches.join(', ')}` : '',
    entry.includes?.minKernel ? `from kernel ${entry.includes.minKernel}` : '',
  ].filter((s) => s !== '');
  const comment = entry.comment ? `: ${entry.comment}` : '';
  return [`From ${where}${why.length ? `, ${why.join(', ')}` : ''}${comment}`];
}

/** One policy rule per profile entry for unconditional names; OR-ed conditions per name. */
function draftRules(
  profile: OciSeccompProfile,
  filter: LibseccompFilter,
  arches: readonly Arch[],
): DraftRule[] {
  const placed = new Map<string, PlacedRule & { names: string[] }>();
  const place = (key: string, at: number, name: string, make: () => DraftRule) => {
    const existing = placed.get(key);
    if (existing) existing.names.push(name);
    else placed.set(key, { at, rule: make(), names: [name] });
  };
  for (const named of rulesByName(filter, arches)) {
    const { unconditional } = named;
    if (unconditional) {
      const entry = entryIndex(profile, unconditional.range);
      place(
        `${entry} ${ruleKey(unconditional.action, undefined)}`,
        named.first,
        named.name,
        () => ({
          action: unconditional.action,
          syscalls: [],
          comments: entryComment(profile, [unconditional]),
        }),
      );
      continue;
    }
    for (const rules of byAction(named.conditional)) {
      const [first] = rules;
      if (!first) continue;
      const condition: ArgCondition = {
        kind: 'or',
        items: rules.map((r) => chainCondition(r, arches)),
      };
      const when = conditionText(condition);
      place(ruleKey(first.action, when), filter.rules.indexOf(first), named.name, () => ({
        action: first.action,
        syscalls: [],
        ...(when === undefined ? {} : { when }),
        comments: entryComment(profile, rules),
      }));
    }
  }
  return [...placed.values()]
    .sort((a, b) => a.at - b.at)
    .map((p) => ({ ...p.rule, syscalls: p.names }));
}

/** Rules grouped by action, in order of first appearance. */
function byAction(rules: readonly LibseccompRule[]): LibseccompRule[][] {
  const groups = new Map<string, LibseccompRule[]>();
  for (const rule of rules) {
    const key = describeLibseccompAction(rule.action);
    groups.set(key, [...(groups.get(key) ?? []), rule]);
  }
  return [...groups.values()];
}

function entryIndex(profile: OciSeccompProfile, range: SourceRange | undefined): number {
  return profile.syscalls.findIndex((e) => e.range === range);
}

function unknownNames(filter: LibseccompFilter, arches: readonly Arch[]): string[] {
  const names = filter.rules.map((r) => r.syscall);
  return [...new Set(names)].filter((n) => arches.every((a) => syscallNumber(a, n) === undefined));
}

function headerLines(
  profile: OciSeccompProfile,
  filter: LibseccompFilter,
  arches: readonly Arch[],
  options: OciPolicyImportOptions,
  caps: readonly string[],
): string[] {
  const skipped = profile.syscalls.flatMap((entry, index) => {
    const why = ociEntryExclusion(entry, { ...options, capabilities: caps });
    return why === undefined ? [] : [`syscalls[${index}] (${why})`];
  });
  const unknown = unknownNames(filter, arches);
  return [
    `Imported by sandbox-studio from the OCI seccomp profile ${options.source ?? ''}`.trimEnd() +
      '.',
    `Host: ${options.arch ?? 'x86_64'}; filter arches: ${arches.join(', ')}; kernel: ${options.kernelVersion ?? 'any'}.`,
    `Container capabilities: ${caps.length ? caps.join(', ') : 'none'}.`,
    ...(skipped.length ? [`Entries that do not apply to this host: ${skipped.join('; ')}.`] : []),
    ...(unknown.length
      ? [`Names no filter arch has (libseccomp skips them): ${unknown.join(', ')}.`]
      : []),
    'runc adds each name as a libseccomp rule: for a syscall, a rule without argument conditions',
    'overrides those with conditions, which are OR-ed. The rules below say the same in file order.',
    '',
  ];
}

function warningsFor(
  profile: OciSeccompProfile,
  arches: readonly Arch[],
  rules: readonly DraftRule[],
): FormatWarning[] {
  const warnings: FormatWarning[] = [];
  if (arches.includes('x32') && rules.some((r) => r.when !== undefined)) {
    warnings.push({
      message:
        'on x32, libseccomp compares only the low 32 bits of arguments; the imported policy compares all 64 there (as on x86_64)',
    });
  }
  if (profile.flags?.length) {
    warnings.push({
      message: `seccomp flags are not part of a policy: ${profile.flags.join(', ')}`,
    });
  }
  if (profile.listenerPath !== undefined) {
    warnings.push({ message: 'listenerPath is not part of a policy: notify goes to the studio' });
  }
  return warnings;
}

/** A parsed OCI profile as policy text (see the notes at the top). Throws FormatError. */
export function ociProfileToPolicy(
  profile: OciSeccompProfile,
  options: OciPolicyImportOptions = {},
): PolicyImport {
  const caps = capabilitySet(options);
  const hostOptions: OciImportOptions = { ...options, capabilities: caps };
  let filter: LibseccompFilter;
  try {
    filter = ociToLibseccomp(profile, hostOptions);
    resolveLibseccompFilter(filter);
  } catch (error) {
    if (error instanceof OciImportError || error instanceof LibseccompMeaningError) {
      throw new FormatError(error.message, error.range);
    }
    throw error;
  }
  const arches = ourArches(filter);
  const rules = draftRules(profile, filter, arches);
  const draft: PolicyDraft = {
    header: headerLines(profile, filter, arches, options, caps),
    name: `OCI seccomp profile${options.source ? ` ${options.source}` : ''}`,
    seccomp: {
      arches,
      defaultAction: filter.defaultAction,
      badArchAction: filter.badArchAction,
      rules,
    },
  };
  return { policyText: checkedPolicyText(draft), warnings: warningsFor(profile, arches, rules) };
}

/** OCI profile text (JSON) → policy text. Malformed input: FormatError at the first error. */
export function importOciProfile(text: string, options: OciPolicyImportOptions = {}): PolicyImport {
  const { profile, diagnostics } = parseOciSeccomp(text);
  const first = diagnostics.find((d) => d.severity === 'error');
  if (!profile || first) {
    throw new FormatError(first?.message ?? 'not an OCI seccomp profile', first?.range);
  }
  return ociProfileToPolicy(profile, options);
}
