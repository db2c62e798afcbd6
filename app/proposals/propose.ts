import type { Arch } from '../linux/syscalls';
import { formatAction } from '../policy/actions';
import { ruleText, type RuleSpec } from '../policy/edit-conditional';
import type { Policy } from '../policy/model';
import { hasErrors, parsePolicy, type ParseOptions } from '../policy/parse';
import { resolvePolicy } from '../policy/resolve';
import type { ResolvedPolicy } from '../policy/resolved';
import { formatDiagnostic, type Diagnostic } from '../policy/source-range';
import { applyRule } from './apply';
import { argumentShape } from './argument-shapes';
import { narrowCondition, type NarrowResult, type ShapedCalls } from './narrow-condition';
import type { CallArgs, Observations, SyscallObservation } from './observations';
import { deciderRule, observationVerdict, type Decider } from './observed-verdicts';
import type {
  BlockedObservation,
  OptionKind,
  Proposal,
  ProposalOption,
  ProposalSet,
  RiskLevel,
} from './proposal';
import { isDangerous, riskOf, sensitiveReason } from './risk';

/**
 * Syscalls better refused with ENOSYS than allowed: the program then takes the older path, which
 * seccomp can check. What completes "make NAME fail with ENOSYS: …".
 */
const FALLBACKS: Readonly<Record<string, string>> = {
  clone3: 'glibc then uses clone, whose flags the filter can check',
  io_uring_setup: 'programs then use plain reads and writes, which the filter sees',
};

export interface ProposeOptions extends ParseOptions {
  /**
   * The policy parsed from `text` with its includes, when the caller has it (the editor's
   * analysis): it decides what is denied. The parse options then only check trial edits.
   */
  readonly policy?: Policy;
}

interface Context {
  readonly text: string;
  readonly policy: Policy;
  readonly resolved: ResolvedPolicy;
  readonly options: ParseOptions;
}

/** What of one observation the default denies: the calls, and whether argument-less events do. */
interface Proposable {
  readonly observation: SyscallObservation;
  readonly calls: readonly CallArgs[];
  /** Some events had no arguments and may be denied by the default. */
  readonly withoutArguments: boolean;
  /** Calls of this observation denied on purpose or by an include: narrowing must not reach them. */
  readonly othersDenied: boolean;
  readonly deciders: readonly Decider[];
}

/**
 * What to change in the policy so that the observed syscalls that only its default denies run:
 * one proposal per syscall, each with its options (recommended first) and their risk, in the
 * order the run first showed them. Calls a rule denies on purpose, and what no rule of this file
 * can change, are listed in `blocked` instead. Recomputed against the current text, a proposal
 * disappears once its rule is in. `options` are parsePolicy's (the reader for `include:`).
 */
export function proposeChanges(
  text: string,
  observations: Observations,
  options: ProposeOptions = {},
): ProposalSet {
  const { policy: given, ...parseOptions } = options;
  const policy = given ?? parsedPolicy(text, parseOptions);
  if (typeof policy === 'string') return { proposals: [], blocked: [], problem: policy };
  const context: Context = { text, policy, resolved: resolvePolicy(policy), options: parseOptions };
  const blocked: BlockedObservation[] = observations.unplaced.map((u) => ({
    kind: 'unknown',
    syscall: u.label,
    arch: u.arch,
    count: u.count,
    reason: u.reason,
  }));
  const proposals: Proposal[] = [];
  for (const [name, group] of groupByName(observations.syscalls)) {
    const proposable = group.flatMap((observation) => assess(context, observation, blocked));
    if (proposable.length > 0) proposals.push(proposalFor(context, name, proposable));
  }
  return { proposals, blocked };
}

/** The parsed policy, or what is wrong with the text. */
function parsedPolicy(text: string, options: ParseOptions): Policy | string {
  const parsed = parsePolicy(text, options);
  if (parsed.policy && !hasErrors(parsed.diagnostics)) return parsed.policy;
  const first = parsed.diagnostics.find((d) => d.severity === 'error');
  return `the policy has errors${first ? `: ${formatDiagnostic('policy', first)}` : ''}`;
}

function groupByName(observations: readonly SyscallObservation[]) {
  const groups = new Map<string, SyscallObservation[]>();
  for (const observation of observations) {
    groups.set(observation.name, [...(groups.get(observation.name) ?? []), observation]);
  }
  return groups;
}

type Who = 'default' | 'deliberate' | 'include';

function who(policy: Policy, decider: Decider): Who {
  const rule = deciderRule(policy, decider);
  return !rule ? 'default' : rule.origin ? 'include' : 'deliberate';
}

/**
 * Sorts the observation's denied calls: the default's become the proposal's, a rule's go to
 * `blocked` (one entry per rule), a foreign ABI's too.
 */
function assess(
  context: Context,
  observation: SyscallObservation,
  blocked: BlockedObservation[],
): Proposable[] {
  const verdict = observationVerdict(context.resolved, observation);
  if (verdict.kind === 'bad-arch') {
    blocked.push(badArch(observation, verdict.action));
    return [];
  }
  const calls: CallArgs[] = [];
  const deciders = new Map<string, Decider>();
  const byRule = new Map<number, { decider: Decider; count: number }>();
  const note = (decider: Decider, args?: CallArgs): void => {
    if (who(context.policy, decider) === 'default') {
      if (args) calls.push(args);
      deciders.set('default', decider);
    } else {
      const index = decider.ruleIndex ?? -1;
      const entry = byRule.get(index) ?? { decider, count: 0 };
      entry.count += 1;
      byRule.set(index, entry);
    }
  };
  for (const { args, decider } of verdict.denied) note(decider, args);
  const arglessDecider = verdict.withoutArguments;
  let withoutArguments = false;
  if (arglessDecider === 'unknown') withoutArguments = true;
  else if (arglessDecider) {
    note(arglessDecider);
    withoutArguments = who(context.policy, arglessDecider) === 'default';
  }
  for (const { decider, count } of byRule.values()) {
    blocked.push(byARule(context.policy, observation, decider, count));
  }
  if (calls.length === 0 && !withoutArguments) return [];
  return [
    {
      observation,
      calls,
      withoutArguments,
      othersDenied: byRule.size > 0,
      deciders: [...deciders.values()],
    },
  ];
}

function badArch(
  observation: SyscallObservation,
  action: Parameters<typeof formatAction>[0],
): BlockedObservation {
  return {
    kind: 'bad-arch',
    syscall: observation.name,
    arch: observation.arch,
    count: observation.count,
    reason: `made through the ${observation.arch} ABI, which linux.seccomp.arch does not list (${formatAction(action)}); add ${observation.arch} there if the program needs it`,
  };
}

function byARule(
  policy: Policy,
  observation: SyscallObservation,
  decider: Decider,
  count: number,
): BlockedObservation {
  const rule = deciderRule(policy, decider);
  const action = formatAction(decider.action);
  const base = { syscall: observation.name, arch: observation.arch, count };
  if (rule?.origin) {
    const where = `${rule.origin.file}:${rule.range.start.line}`;
    return {
      ...base,
      kind: 'include',
      reason: `denied by ${where} (${action}), an included rule that comes before this file's; change it there`,
    };
  }
  const line = rule?.range.start.line ?? 0;
  return {
    ...base,
    kind: 'deliberate',
    reason: `denied on purpose by the rule at line ${line} (${action}); edit that rule to change it`,
  };
}

function describeDeciders(policy: Policy, proposable: readonly Proposable[]): string[] {
  const texts = new Set<string>();
  for (const p of proposable) {
    for (const d of p.deciders) {
      if (!deciderRule(policy, d)) texts.add(`the default (${formatAction(d.action)})`);
    }
    if (p.withoutArguments && p.deciders.length === 0) {
      texts.add('a rule with a condition or the default (the audit record has no arguments)');
    }
  }
  return [...texts];
}

function proposalFor(context: Context, name: string, proposable: readonly Proposable[]): Proposal {
  const distinct = proposable.reduce(
    (n, p) => n + p.calls.length + (p.withoutArguments ? 1 : 0),
    0,
  );
  const { options, narrowed } = optionsFor(
    context,
    name,
    distinct,
    narrowFor(context, name, proposable),
  );
  const observations = proposable.map((p) => p.observation);
  const note = narrowed && !narrowed.ok ? `not narrowed: ${narrowed.reason}` : undefined;
  return {
    id: name,
    syscall: name,
    arches: [...new Set(observations.map((o) => o.arch))],
    count: observations.reduce((n, o) => n + o.count, 0),
    distinctCalls: distinct,
    pids: [...new Set(observations.flatMap((o) => o.pids))].sort((a, b) => a - b),
    seen: [...new Set(observations.flatMap((o) => o.actions))],
    deniedBy: describeDeciders(context.policy, proposable),
    options,
    ...(note !== undefined && { note }),
  };
}

/** The narrow condition for the calls the default denies, or why there is none (undefined: no shape). */
function narrowFor(
  context: Context,
  name: string,
  proposable: readonly Proposable[],
): NarrowResult | undefined {
  const shape = argumentShape(name);
  if (!shape) return undefined;
  if (proposable.some((p) => p.withoutArguments)) {
    return { ok: false, reason: 'the kernel audit record carries no arguments' };
  }
  const calls: ShapedCalls[] = [];
  for (const { observation, calls: denied, othersDenied } of proposable) {
    // Past the cap, only the shaped values of every call are known, denied on purpose or not.
    const values = observation.truncated
      ? othersDenied
        ? undefined
        : observation.shapedValues
      : denied.map((args) => shape.args.map((s) => args[s.arg] ?? 0n));
    if (!values) {
      return { ok: false, reason: `more than ${observation.calls.length} different calls` };
    }
    calls.push({ arch: observation.arch, values });
  }
  const arches: readonly Arch[] = context.policy.linux.seccomp?.arch ?? ['x86_64'];
  return narrowCondition(shape, calls, arches);
}

interface Draft {
  readonly kind: OptionKind;
  readonly summary: string;
  readonly rule: RuleSpec;
  readonly allows: boolean;
  readonly reasons: readonly { level: RiskLevel; reason: string }[];
}

function optionsFor(
  context: Context,
  name: string,
  distinct: number,
  narrowed: NarrowResult | undefined,
): { options: ProposalOption[]; narrowed: NarrowResult | undefined } {
  const fallback = Object.hasOwn(FALLBACKS, name) ? FALLBACKS[name] : undefined;
  const sensitive = sensitiveReason(name);
  const common = sensitive ? [{ level: 'medium' as const, reason: sensitive }] : [];
  let narrowOption: ProposalOption | undefined;
  if (narrowed?.ok) {
    const tried = finish(context, name, {
      kind: 'narrow',
      summary: `allow ${name} only for ${narrowed.described}, as observed`,
      rule: { action: 'allow', syscalls: [name], when: narrowed.when },
      allows: true,
      reasons: common,
    });
    if (typeof tried === 'string') narrowed = { ok: false, reason: tried };
    else narrowOption = tried;
  }
  const drafts: Draft[] = [];
  if (fallback !== undefined) {
    drafts.push({
      kind: 'fallback',
      summary: `make ${name} fail with ENOSYS: ${fallback}`,
      rule: { action: 'errno ENOSYS', syscalls: [name] },
      allows: false,
      reasons: [],
    });
  }
  const broad = narrowed?.ok
    ? `allows ${name} with any arguments, not only the ${distinct === 1 ? 'call' : `${distinct} calls`} observed`
    : narrowed
      ? `allows ${name} with any arguments (${narrowed.reason})`
      : undefined;
  drafts.push({
    kind: 'broad',
    summary: narrowed ? `allow ${name} with any arguments` : `allow ${name}`,
    rule: { action: 'allow', syscalls: [name] },
    allows: true,
    reasons: broad ? [...common, { level: 'medium', reason: broad }] : common,
  });
  const options = drafts
    .map((draft) => finish(context, name, draft))
    .filter((option): option is ProposalOption => typeof option !== 'string');
  if (narrowOption) options.splice(fallback !== undefined ? 1 : 0, 0, narrowOption);
  return { options, narrowed };
}

/**
 * The option with its risk, or undefined when its rule does not fit the policy (a value seen on
 * x86_64 that a 32-bit arch of the policy cannot compare). A narrow rule and any rule for a
 * dangerous syscall are tried on the text: the editor's own dangerous-grant check then judges the
 * rule, so the panel and the editor never disagree.
 */
function finish(context: Context, name: string, draft: Draft): ProposalOption | string {
  const reasons = [...draft.reasons];
  const dangerous = draft.allows && isDangerous(name);
  if (draft.kind === 'narrow' || dangerous) {
    const tried = tryRule(context, draft.rule);
    if (typeof tried === 'string') {
      if (draft.kind === 'narrow') return tried;
      reasons.unshift({
        level: 'high',
        reason: `the rule could not be tried on the policy: ${tried}`,
      });
    } else if (dangerous) {
      for (const warning of dangerousWarnings(tried, name)) {
        reasons.unshift({ level: 'high', reason: warning });
      }
    }
  }
  return {
    kind: draft.kind,
    summary: draft.summary,
    rule: draft.rule,
    ruleText: ruleText(draft.rule),
    allows: draft.allows,
    risk: riskOf(reasons),
  };
}

interface Tried {
  readonly start: number;
  readonly end: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** The policy with `rule` in, parsed; or why the rule cannot go in. */
function tryRule(context: Context, rule: RuleSpec): Tried | string {
  try {
    const applied = applyRule(context.text, rule, context.options);
    const { diagnostics } = parsePolicy(applied.text, context.options);
    return { start: applied.start, end: applied.end, diagnostics };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function dangerousWarnings(tried: Tried, name: string): string[] {
  return tried.diagnostics
    .filter(
      (d) =>
        d.code === 'dangerous-grant' &&
        d.range.start.offset >= tried.start &&
        d.range.start.offset < tried.end &&
        d.message.startsWith(`${name} `),
    )
    .map((d) => d.message);
}
