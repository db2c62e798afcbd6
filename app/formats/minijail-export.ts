import { archInfo } from '../linux/arches';
import { errnoName } from '../linux/errno';
import { syscallEntries, syscallName, type Arch } from '../linux/syscalls';
import { formatAction } from '../policy/actions';
import type { Policy, SeccompAction } from '../policy/model';
import { PolicyResolveError, resolvePolicy } from '../policy/resolve';
import type { ArgCompare, ArgCondition, CompareOp, ResolvedRule } from '../policy/resolved';
import type { SourceRange } from '../policy/source-range';
import { FormatError, type FormatExport, type FormatWarning } from './format-result';
import { droppedLayerWarnings } from './policy-layers';
import { sameAction } from './syscall-verdicts';

/*
 * A policy as a minijail policy file for one arch. For each syscall, the cases where the policy
 * allows it become a DNF of minijail atoms (== != < <= > >= on the whole argument, `&` for "a
 * flag is set", `in` for "only these flags"); the other cases must share one action, written as
 * `; return ERRNO` (or kill, minijail's default). Masked equalities are spelled out bit by bit.
 */

export interface MinijailExportOptions {
  /** The arch to write the file for; default the policy's first. */
  readonly arch?: Arch;
  readonly source?: string;
}

/** Thrown inside when a comparison has no minijail form. */
class Inexpressible extends Error {}

type Atom = string;
/** OR of ANDs; [] is false, [[]] is true. */
type Dnf = readonly (readonly Atom[])[];

const TRUE: Dnf = [[]];
const FALSE: Dnf = [];
const MAX_TERMS = 256;

function and(a: Dnf, b: Dnf): Dnf {
  if (a.length * b.length > MAX_TERMS)
    throw new Inexpressible('the condition needs too many terms');
  return a.flatMap((x) => b.map((y) => [...x, ...y]));
}

function or(a: Dnf, b: Dnf): Dnf {
  return [...a, ...b];
}

function num(value: bigint): string {
  return value > 255n ? `0x${value.toString(16)}` : value.toString();
}

const NEGATED: Record<CompareOp, CompareOp> = {
  '==': '!=',
  '!=': '==',
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
};

function bits(value: bigint): bigint[] {
  const out: bigint[] = [];
  for (let b = 1n; b <= value; b <<= 1n) if (value & b) out.push(b);
  return out;
}

/** `(arg & mask) == value` (or `!=`) as atoms: forbidden bits clear, required bits set. */
function maskedEquality(
  arg: string,
  mask: bigint,
  value: bigint,
  equal: boolean,
  width: number,
): Dnf {
  if ((value & ~mask) !== 0n) return equal ? FALSE : TRUE;
  const all = (1n << BigInt(width)) - 1n;
  const clear = mask & ~value;
  const required = bits(value);
  if (equal) {
    const atoms = [
      ...(clear ? [`${arg} in ${num(all & ~clear)}`] : []),
      ...required.map((b) => `${arg} & ${num(b)}`),
    ];
    return [atoms];
  }
  return [
    ...(clear ? [[`${arg} & ${num(clear)}`]] : []),
    ...required.map((b) => [`${arg} in ${num(all & ~b)}`]),
  ];
}

function compareDnf(c: ArgCompare, negated: boolean, archBits: number): Dnf {
  const arg = `arg${c.arg}`;
  const op = negated ? NEGATED[c.op] : c.op;
  const narrowed = c.width < archBits;
  const mask = c.mask ?? (narrowed ? (1n << 32n) - 1n : undefined);
  if (mask === undefined) {
    if (c.signed && op !== '==' && op !== '!=') {
      throw new Inexpressible(`minijail compares unsigned: ${describe(c)} has no form`);
    }
    return [[`${arg} ${op} ${num(c.value)}`]];
  }
  if (op !== '==' && op !== '!=') {
    throw new Inexpressible(
      `minijail cannot order a masked or 32-bit part of an argument: ${describe(c)}`,
    );
  }
  return maskedEquality(arg, mask, c.value, op === '==', archBits);
}

function describe(c: ArgCompare): string {
  const cast = c.width === 32 ? (c.signed ? '(int)' : '(u32)') : c.signed ? '(s64)' : '';
  const mask = c.mask === undefined ? '' : ` & 0x${c.mask.toString(16)}`;
  return `${cast}arg${c.arg}${mask} ${c.op} 0x${c.value.toString(16)}`;
}

function conditionDnf(c: ArgCondition, negated: boolean, archBits: number): Dnf {
  switch (c.kind) {
    case 'true':
      return negated ? FALSE : TRUE;
    case 'false':
      return negated ? TRUE : FALSE;
    case 'cmp':
      return compareDnf(c, negated, archBits);
    case 'not':
      return conditionDnf(c.item, !negated, archBits);
    case 'and':
    case 'or': {
      const parts = c.items.map((i) => conditionDnf(i, negated, archBits));
      const conjunctive = (c.kind === 'and') !== negated;
      return conjunctive ? parts.reduce(and, TRUE) : parts.reduce(or, FALSE);
    }
  }
}

const isTrue = (d: Dnf) => d.some((conj) => conj.length === 0);
const PERMISSIVENESS = [
  'kill-process',
  'kill-thread',
  'trap',
  'errno',
  'notify',
  'trace',
  'log',
  'allow',
];

interface SyscallPlan {
  readonly allow: Dnf;
  /** What the other cases get, each with the range that asks for it. */
  readonly others: readonly { action: SeccompAction; range?: SourceRange }[];
}

function plan(
  rules: readonly ResolvedRule[],
  fallback: SeccompAction,
  fallbackRange: SourceRange | undefined,
  archBits: number,
): SyscallPlan {
  let allow: Dnf = FALSE;
  let untaken: Dnf = TRUE;
  const others: { action: SeccompAction; range?: SourceRange }[] = [];
  for (const rule of rules) {
    const own = and(untaken, conditionDnf(rule.condition, false, archBits));
    if (own.length > 0) {
      if (rule.action.kind === 'allow') allow = or(allow, own);
      else others.push({ action: rule.action, range: rule.range });
    }
    untaken = and(untaken, conditionDnf(rule.condition, true, archBits));
    if (untaken.length === 0) return { allow, others };
  }
  if (fallback.kind === 'allow') allow = or(allow, untaken);
  else others.push({ action: fallback, ...(fallbackRange ? { range: fallbackRange } : {}) });
  return { allow, others };
}

function dnfText(dnf: Dnf): string {
  return dnf.map((conj) => conj.join(' && ')).join(' || ');
}

/** `return EPERM`, `trap`, … or undefined for kill-process (minijail's default). */
function actionText(
  action: SeccompAction,
  name: string,
  range: SourceRange | undefined,
  warnings: FormatWarning[],
): string | undefined {
  switch (action.kind) {
    case 'kill-process':
      return undefined;
    case 'errno':
      return `return ${errnoName(action.errno)}`;
    case 'kill-thread':
      return 'kill-thread';
    case 'trap':
      if (action.data) {
        warnings.push({
          message: `${name}: minijail's trap carries no data; trap ${action.data} becomes trap`,
          ...(range ? { range } : {}),
        });
      }
      return 'trap';
    case 'log':
      return 'log';
    case 'notify':
      return 'user-notify';
    default:
      warnings.push({
        message: `${name}: minijail cannot ${formatAction(action)}; it kills instead`,
        ...(range ? { range } : {}),
      });
      return undefined;
  }
}

function syscallLine(name: string, p: SyscallPlan, warnings: FormatWarning[]): string | undefined {
  if (isTrue(p.allow)) return `${name}: 1`;
  const distinct = p.others.filter(
    (o, i) => p.others.findIndex((x) => sameAction(x.action, o.action)) === i,
  );
  const strictest = [...distinct].sort(
    (a, b) => PERMISSIVENESS.indexOf(a.action.kind) - PERMISSIVENESS.indexOf(b.action.kind),
  )[0];
  if (!strictest) return `${name}: 1`;
  if (distinct.length > 1) {
    warnings.push({
      message: `${name}: minijail gives the cases a rule does not allow one action; ${distinct.map((d) => formatAction(d.action)).join(', ')} become ${formatAction(strictest.action)}`,
      ...(distinct[1]?.range ? { range: distinct[1].range } : {}),
    });
  }
  const otherwise = actionText(strictest.action, name, strictest.range, warnings);
  if (p.allow.length === 0) return otherwise === undefined ? undefined : `${name}: ${otherwise}`;
  const expression = dnfText(p.allow);
  return otherwise === undefined
    ? `${name}: ${expression}`
    : `${name}: ${expression}; ${otherwise}`;
}

function resolvedArch(policy: Policy, arch: Arch) {
  try {
    return resolvePolicy(policy).arches.find((a) => a.arch === arch);
  } catch (error) {
    if (error instanceof PolicyResolveError)
      throw new FormatError(error.message, error.diagnostics[0]?.range);
    throw error;
  }
}

function archWarnings(policy: Policy, arch: Arch): FormatWarning[] {
  const seccomp = policy.linux.seccomp;
  const warnings: FormatWarning[] = [];
  const range = seccomp?.defaultRange ? { range: seccomp.defaultRange } : {};
  if (seccomp && seccomp.arch.length > 1) {
    warnings.push({
      message: `minijail policies are per arch: this one is for ${arch} only (the policy also lists ${seccomp.arch.filter((a) => a !== arch).join(', ')})`,
      ...range,
    });
  }
  const bad = seccomp?.badArchAction;
  if (bad && bad.kind !== 'kill-process') {
    warnings.push({
      message: `minijail kills calls from other arches; bad_arch ${formatAction(bad)} is not kept`,
      ...range,
    });
  }
  return warnings;
}

/** `export minijail`: the policy as a minijail policy file for one arch. Throws FormatError. */
export function exportMinijailPolicy(
  policy: Policy,
  options: MinijailExportOptions = {},
): FormatExport {
  const seccomp = policy.linux.seccomp;
  const arch = options.arch ?? seccomp?.arch[0] ?? 'x86_64';
  if (seccomp && !seccomp.arch.includes(arch)) {
    throw new FormatError(`the policy does not list ${arch} (it lists ${seccomp.arch.join(', ')})`);
  }
  const resolved = resolvedArch(policy, arch);
  if (!resolved) throw new FormatError(`the policy does not list ${arch}`);
  const warnings = archWarnings(policy, arch);
  const archBits = archInfo(arch).bits;
  const byNr = new Map<number, ResolvedRule[]>();
  for (const rule of resolved.rules) byNr.set(rule.nr, [...(byNr.get(rule.nr) ?? []), rule]);
  if (resolved.defaultAction.kind !== 'kill-process') {
    warnings.push({
      message: `minijail kills every syscall a policy does not name: the default (${formatAction(resolved.defaultAction)}) is written out for each ${arch} syscall; numbers beyond the table are still killed`,
      ...(seccomp?.defaultRange ? { range: seccomp.defaultRange } : {}),
    });
    for (const entry of syscallEntries(arch)) if (!byNr.has(entry.nr)) byNr.set(entry.nr, []);
  }
  const lines: string[] = [];
  for (const [nr, rules] of [...byNr].sort((a, b) => a[0] - b[0])) {
    const name = syscallName(arch, nr) ?? String(nr);
    try {
      const line = syscallLine(
        name,
        plan(rules, resolved.defaultAction, seccomp?.defaultRange, archBits),
        warnings,
      );
      if (line) lines.push(line);
    } catch (error) {
      if (error instanceof Inexpressible)
        throw new FormatError(`${name}: ${error.message}`, rules[0]?.range);
      throw error;
    }
  }
  warnings.push(...droppedLayerWarnings(policy, 'a minijail seccomp policy'));
  const source = options.source ?? policy.name;
  const text = [
    `# Generated by sandbox-studio${source ? ` from ${source}` : ''}, for ${arch}.`,
    '# minijail0 -S FILE: syscalls not named here kill the process.',
    ...lines,
    '',
  ].join('\n');
  return { text, warnings };
}
