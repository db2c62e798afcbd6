import { syscallNames } from '../../app/linux/syscalls';
import { narrowRule } from '../../app/policy/narrow-rule';
import { ANY_ARCH_SYSCALLS, GROUP_NAMES } from '../../app/policy/linux-names';
import { parsePolicy, type ParseOptions } from '../../app/policy/parse';
import { removeSyscallEntry } from '../../app/policy/remove-syscall-entry';
import { listedSyscalls, ruleAt, rulePair } from '../../app/policy/rule-nodes';
import type { Diagnostic } from '../../app/policy/source-range';
import { editDistance } from '../../app/policy/suggest';
import { applyEdit, type TextEdit } from '../../app/policy/text-edit';
import { parseYaml } from '../../app/policy/yaml-source';
import { addAllowedSyscalls } from '../../app/policy/edit';
import { pendingObservedNames } from '../state/observed-syscalls';
import { minimalEdit } from './minimal-edit';
import { narrowingsFor } from './narrowing';
import type { ObservedArguments } from './observed-arguments';
import { policyArches } from './policy-context';

/** One quick fix: edits to the policy text (offsets into it, ascending, not overlapping). */
export interface QuickFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The diagnostic it fixes, when it fixes one. */
  readonly diagnostic?: Diagnostic;
  readonly preferred?: boolean;
}

export interface QuickFixRequest {
  readonly text: string;
  /** Diagnostics at the requested place (the editor passes those its range touches). */
  readonly diagnostics: readonly Diagnostic[];
  /** The requested place: the cursor or selection, as offsets. */
  readonly start: number;
  readonly end: number;
  /** What the last run saw of each syscall's arguments. */
  readonly observed?: ObservedArguments;
  /** parsePolicy's options for this document (its includes). */
  readonly parseOptions?: ParseOptions;
}

const MAX_SUGGESTIONS = 3;

/** The closest names, as `closestName` measures closeness, best first. */
export function closestNames(name: string, candidates: readonly string[], max = MAX_SUGGESTIONS) {
  const wanted = name.toLowerCase();
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  return candidates
    .map((candidate) => ({
      candidate,
      d: editDistance(wanted, candidate.toLowerCase(), limit + 1),
    }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map(({ candidate }) => candidate);
}

/** The written name inside a range that may include its quotes, and where it sits. */
function unquote(text: string, start: number, end: number) {
  const raw = text.slice(start, end);
  const quoted = /^(["'])(.*)\1$/.exec(raw);
  return quoted
    ? { name: quoted[2]!, start: start + 1, end: end - 1 }
    : { name: raw.trim(), start, end: start + raw.trimEnd().length };
}

function renameFixes(text: string, d: Diagnostic): QuickFix[] {
  const written = unquote(text, d.range.start.offset, d.range.end.offset);
  if (written.name === '') return [];
  const isGroup = d.code === 'unknown-group';
  const arches = policyArches(text);
  // "x is not a syscall on ARCH": the names of the policy's arches; else those of any arch.
  const candidates = isGroup
    ? GROUP_NAMES
    : /is not a syscall on/.test(d.message)
      ? [...new Set(arches.flatMap((arch) => syscallNames(arch)))]
      : ANY_ARCH_SYSCALLS;
  return closestNames(written.name, candidates).map((suggestion, i) => ({
    title: `Change to ${suggestion}`,
    edits: [{ start: written.start, end: written.end, insert: suggestion }],
    diagnostic: d,
    preferred: i === 0,
  }));
}

function removeFix(text: string, d: Diagnostic): QuickFix[] {
  const edit = removeSyscallEntry(text, d.range.start.offset);
  if (!edit) return [];
  const entry = text.slice(d.range.start.offset, d.range.end.offset);
  const what =
    d.code === 'conflicting-rule' ? 'it never applies' : 'an earlier rule already does it';
  return [{ title: `Remove ${entry} from this rule (${what})`, edits: [edit], diagnostic: d }];
}

function fixesFor(text: string, d: Diagnostic): QuickFix[] {
  switch (d.code) {
    case 'unknown-syscall':
    case 'unknown-group':
      return renameFixes(text, d);
    case 'shadowed-syscall':
    case 'conflicting-rule':
      return removeFix(text, d);
    default:
      return [];
  }
}

let lastParse: { text: string; options: ParseOptions; valid: boolean } | undefined;

/**
 * Whether the text parses without errors; remembered for the last text, since Monaco asks for
 * code actions at every cursor move.
 */
function parsedPolicy(text: string, options: ParseOptions): boolean {
  if (lastParse?.text !== text || lastParse.options !== options) {
    lastParse = { text, options, valid: parsePolicy(text, options).policy !== undefined };
  }
  return lastParse.valid;
}

function applyAll(text: string, edits: readonly TextEdit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce(applyEdit, text);
}

/** The edit is text surgery: it must parse, with the syscall now under that condition. */
function narrowsCleanly(text: string, syscall: string, condition: string, options: ParseOptions) {
  const { policy } = parsePolicy(text, options);
  const rules = policy?.linux.seccomp?.rules ?? [];
  const rule = rules.find((r) => !r.origin && r.syscalls.some((s) => s.name === syscall));
  return rule?.condition?.text === condition;
}

/**
 * "Allow only the values the last run saw": for the unconditional `allow` rule at the cursor,
 * each syscall it lists that the run observed with few values of a selecting argument.
 */
function narrowingFixes(request: QuickFixRequest): QuickFix[] {
  const { text, observed } = request;
  if (!observed || observed.size === 0) return [];
  const { source } = parseYaml(text);
  const rule = source && ruleAt(source, request.start);
  if (!source || !rule || !rulePair(rule, 'allow') || rulePair(rule, 'when')) return [];
  const options = request.parseOptions ?? {};
  if (!parsedPolicy(text, options)) return [];
  const arches = policyArches(text);
  const fixes: QuickFix[] = [];
  for (const name of listedSyscalls(source, rule)?.names ?? []) {
    const seen = observed.get(name);
    for (const narrowing of seen ? narrowingsFor(name, seen, arches) : []) {
      const edits = narrowRule(text, request.start, name, narrowing.condition);
      if (!edits || !narrowsCleanly(applyAll(text, edits), name, narrowing.condition, options)) {
        continue;
      }
      const title = `Allow ${name} only when ${narrowing.condition} (${narrowing.param}: as observed)`;
      fixes.push({ title, edits });
    }
  }
  return fixes;
}

/** How many names a fix's title lists before "and N more". */
const TITLE_NAMES = 4;

/**
 * Allow the syscalls the last run needed and no rule of the policy decides (they fell to the
 * default): what "Allow observed" does, offered where the user is editing.
 */
function missingSyscallFixes(request: QuickFixRequest): QuickFix[] {
  if (!request.observed || request.observed.size === 0) return [];
  const { policy } = parsePolicy(request.text, request.parseOptions ?? {});
  const names = pendingObservedNames(new Set(request.observed.keys()), policy).filter(
    (name) => !/^nr_\d+$/.test(name),
  );
  if (names.length === 0) return [];
  let updated: string;
  try {
    updated = addAllowedSyscalls(request.text, names, request.parseOptions ?? {});
  } catch {
    return []; // a policy the edit cannot place rules in (errors): the diagnostics say why
  }
  const edit = minimalEdit(request.text, updated);
  if (!edit) return [];
  const more = names.length > TITLE_NAMES ? ` and ${names.length - TITLE_NAMES} more` : '';
  const title = `Allow the syscalls the last run needed: ${names.slice(0, TITLE_NAMES).join(', ')}${more}`;
  return [{ title, edits: [{ start: edit.start, end: edit.end, insert: edit.text }] }];
}

/** Every quick fix for the diagnostics and the rule at the requested place. */
export function quickFixes(request: QuickFixRequest): QuickFix[] {
  return [
    ...request.diagnostics.flatMap((d) => fixesFor(request.text, d)),
    ...narrowingFixes(request),
    ...missingSyscallFixes(request),
  ];
}
