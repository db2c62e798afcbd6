import { constantValue } from '../linux/arch-constants';
import { archInfo } from '../linux/arches';
import { syscallName, syscallNumber, type Arch } from '../linux/syscalls';
import type { SeccompAction } from '../policy/model';
import { FormatError, type FormatWarning, type PolicyImport } from './format-result';
import {
  parseMinijailPolicy,
  type MinijailAtom,
  type MinijailDnf,
  type MinijailLine,
  type MinijailStatement,
  type MinijailValue,
} from './minijail-parse';
import { checkedPolicyText, type DraftRule } from './policy-draft';
import { sameAction } from './syscall-verdicts';

/*
 * A minijail policy file as one of our policies, for one arch (minijail policies are per arch).
 * A syscall the file does not name, or whose expression does not hold without a `; return`, is
 * killed (minijail's default). Expressions become `when:` conditions: `argN & V` (a flag set) is
 * `argN & (V) != 0`, `argN in V` (only flags of V) is `argN & ~(V) == 0`.
 */

export interface MinijailImportOptions {
  readonly arch?: Arch;
  readonly source?: string;
  /** Reads an `@include`d file (path as written, relative to the current directory). */
  readonly readInclude?: (path: string) => string | undefined;
}

const KILL: SeccompAction = { kind: 'kill-process' };

/** The rule lines of the file with its includes expanded (one level, as minijail allows). */
function expandIncludes(
  statements: readonly MinijailStatement[],
  options: MinijailImportOptions,
  nested: boolean,
): MinijailLine[] {
  return statements.flatMap((s) => {
    if (s.kind === 'rule') return [s.line];
    if (nested) {
      const message = 'an @included file cannot @include again (minijail allows one level)';
      throw new FormatError(message, s.range, s.file);
    }
    const text = options.readInclude?.(s.path);
    if (text === undefined) {
      throw new FormatError(`cannot read the included file ${s.path}`, s.range, s.file);
    }
    return expandIncludes(parseMinijailPolicy(text, s.path), options, true);
  });
}

function lineError(line: MinijailLine, message: string): FormatError {
  return new FormatError(message, line.range, line.file);
}

function syscallOf(line: MinijailLine, arch: Arch): string {
  if (typeof line.syscall === 'number') {
    const name = syscallName(arch, line.syscall);
    if (name === undefined) throw lineError(line, `${arch} has no syscall number ${line.syscall}`);
    return name;
  }
  if (syscallNumber(arch, line.syscall) === undefined) {
    throw lineError(line, `${line.syscall} is not a syscall of ${arch}`);
  }
  return line.syscall;
}

function numberText(value: bigint): string {
  return value > 255n ? `0x${value.toString(16)}` : value.toString();
}

function valueText(value: MinijailValue, arch: Arch, line: MinijailLine, top = true): string {
  switch (value.kind) {
    case 'number':
      return numberText(value.value);
    case 'constant':
      if (constantValue(arch, value.name) === undefined) {
        throw new FormatError(`unknown constant ${value.name} on ${arch}`, value.range, line.file);
      }
      return value.name;
    case 'not':
      return `~${valueText(value.operand, arch, line, false)}`;
    case 'or': {
      const text = value.items.map((v) => valueText(v, arch, line, false)).join('|');
      return top ? text : `(${text})`;
    }
  }
}

/** A value without constants, as minijail computes it (unsigned, `~` at the arch's width). */
function numeric(value: MinijailValue, bits: number): bigint | undefined {
  switch (value.kind) {
    case 'number':
      return value.value;
    case 'constant':
      return undefined;
    case 'not': {
      const inner = numeric(value.operand, bits);
      return inner === undefined ? undefined : BigInt.asUintN(bits, ~inner);
    }
    case 'or':
      return value.items.reduce<bigint | undefined>((acc, item) => {
        const v = numeric(item, bits);
        return acc === undefined || v === undefined ? undefined : acc | v;
      }, 0n);
  }
}

function atomText(atom: MinijailAtom, arch: Arch, line: MinijailLine): string {
  const bits = archInfo(arch).bits;
  const known = numeric(atom.value, bits);
  const v = known === undefined ? valueText(atom.value, arch, line, false) : numberText(known);
  const arg = `arg${atom.arg}`;
  if (atom.op === '&') return `${arg} & ${v} != 0`;
  if (atom.op === 'in') {
    const outside = known === undefined ? `~${v}` : numberText(BigInt.asUintN(bits, ~known));
    return `${arg} & ${outside} == 0`;
  }
  return `${arg} ${atom.op} ${v}`;
}

function dnfText(dnf: MinijailDnf, arch: Arch, line: MinijailLine): string {
  return dnf.map((c) => c.map((a) => atomText(a, arch, line)).join(' && ')).join(' || ');
}

interface Placed {
  readonly name: string;
  readonly rules: DraftRule[];
}

function lineRules(line: MinijailLine, name: string, arch: Arch): DraftRule[] {
  const where = `${line.file ?? 'line'}${line.file ? ':' : ' '}${line.range.start.line}`;
  const policy = line.policy;
  if (policy.kind === 'action') {
    return sameAction(policy.action, KILL) ? [] : [{ action: policy.action, syscalls: [name] }];
  }
  const otherwise = policy.otherwise ?? KILL;
  const rules: DraftRule[] = [
    {
      action: { kind: 'allow' },
      syscalls: [name],
      when: dnfText(policy.dnf, arch, line),
      comments: [where],
    },
  ];
  if (sameAction(otherwise, KILL)) return rules;
  // The fallback keeps a comment of its own, so that it is never merged ahead of its condition.
  return [...rules, { action: otherwise, syscalls: [name], comments: [`otherwise (${where})`] }];
}

/** Unconditional rules with the same action share one rule; conditional ones stay apart. */
function mergedRules(placed: readonly Placed[]): DraftRule[] {
  const out: DraftRule[] = [];
  for (const rule of placed.flatMap((p) => p.rules)) {
    const plain = (r: DraftRule) => r.when === undefined && !r.comments;
    const shared = plain(rule)
      ? out.find((r) => plain(r) && sameAction(r.action, rule.action))
      : undefined;
    if (shared) (shared.syscalls as string[]).push(...rule.syscalls);
    else out.push({ ...rule, syscalls: [...rule.syscalls] });
  }
  return out;
}

/** `import minijail`: a minijail policy file as policy text. Throws FormatError. */
export function importMinijailPolicy(
  text: string,
  options: MinijailImportOptions = {},
): PolicyImport {
  const arch = options.arch ?? 'x86_64';
  const lines = expandIncludes(parseMinijailPolicy(text), options, false);
  const seen = new Map<string, MinijailLine>();
  const placed: Placed[] = lines.map((line) => {
    const name = syscallOf(line, arch);
    const before = seen.get(name);
    if (before) {
      throw lineError(
        line,
        `${name} is already in the policy (line ${before.range.start.line}); minijail refuses duplicates`,
      );
    }
    seen.set(name, line);
    return { name, rules: lineRules(line, name, arch) };
  });
  const warnings: FormatWarning[] = [];
  const policyText = checkedPolicyText({
    header: [
      `Imported by sandbox-studio from the minijail policy ${options.source ?? ''}`.trimEnd() + '.',
      `minijail policies are per arch: this one is read for ${arch}. A syscall it does not name,`,
      'or whose expression does not hold (without "; return"), kills the process.',
      '',
    ],
    name: `minijail policy${options.source ? ` ${options.source}` : ''}`,
    seccomp: {
      arches: [arch],
      defaultAction: KILL,
      badArchAction: KILL,
      rules: mergedRules(placed),
    },
  });
  return { policyText, warnings };
}
