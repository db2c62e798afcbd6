import { errnoByName, MAX_ERRNO } from '../linux/errno';
import { syscallGroup } from '../linux/syscall-groups';
import { syscallNumber, type Arch } from '../linux/syscalls';
import type { SeccompAction } from '../policy/model';
import { FormatError, type FormatWarning } from './format-result';
import type { UnitAssignment } from './systemd-ini';
import { groupMembers } from './systemd-names';

/*
 * systemd's SystemCallFilter= / SystemCallErrorNumber= / SystemCallLog= semantics
 * (systemd.exec(5), v252): the first non-empty SystemCallFilter= decides between an allow list
 * (which always includes @default) and a deny list; later lines add to or remove from the set,
 * an empty one resets it. Deny-list entries may carry `:errno` or `:kill`. SystemCallLog= is a
 * second filter that logs: where both apply, the stricter verdict wins (deny over log over allow).
 */

export type SystemdVerdict = SeccompAction;

export interface SystemdFilter {
  readonly mode: 'allow' | 'deny';
  /** Allow mode: allowed names. Deny mode: denied names, each with its own action if any. */
  readonly names: ReadonlyMap<string, SeccompAction | undefined>;
  /** The groups written in the unit (and @default in allow mode), for writing them back. */
  readonly groups: ReadonlySet<string>;
}

export interface SystemdSeccomp {
  readonly filter?: SystemdFilter;
  readonly errorAction?: SeccompAction;
  readonly log?: { readonly invert: boolean; readonly names: ReadonlySet<string> };
}

const KILL: SeccompAction = { kind: 'kill-process' };

/** `EPERM`, `13`, or `kill`, as SystemCallErrorNumber= and the `:` suffix take them. */
export function parseSystemdErrno(text: string, at: UnitAssignment): SeccompAction {
  if (text === 'kill') return KILL;
  const named = errnoByName(text);
  const errno = named ? named.value : /^\d+$/.test(text) ? Number(text) : undefined;
  if (errno === undefined || errno > MAX_ERRNO) {
    throw new FormatError(
      `"${text}" is not an errno name or number (0..${MAX_ERRNO})`,
      at.valueRange,
    );
  }
  if (errno === 0) {
    throw new FormatError(
      'errno 0 (succeed without running the syscall) has no policy form',
      at.valueRange,
    );
  }
  return { kind: 'errno', errno };
}

interface Item {
  readonly names: readonly string[];
  readonly group?: string;
  readonly action?: SeccompAction;
}

function parseItem(
  token: string,
  at: UnitAssignment,
  arches: readonly Arch[],
  warnings: FormatWarning[],
): Item | undefined {
  const [word = '', suffix] = token.split(':', 2);
  const action = suffix === undefined ? undefined : parseSystemdErrno(suffix, at);
  if (word.startsWith('@')) {
    if (!syscallGroup(word)) {
      warnings.push({
        message: `unknown system call group ${word}; systemd ignores it`,
        range: at.valueRange,
      });
      return undefined;
    }
    return { names: [...groupMembers(word, arches)], group: word, ...(action ? { action } : {}) };
  }
  if (!arches.some((a) => syscallNumber(a, word) !== undefined)) {
    warnings.push({
      message: `${word} is not a syscall of ${arches.join(', ')}; systemd ignores it`,
      range: at.valueRange,
    });
    return undefined;
  }
  return { names: [word], ...(action ? { action } : {}) };
}

function items(at: UnitAssignment, arches: readonly Arch[], warnings: FormatWarning[]) {
  const invert = at.value.startsWith('~');
  const tokens = (invert ? at.value.slice(1) : at.value).split(/\s+/).filter((t) => t !== '');
  const parsed = tokens.flatMap((t) => parseItem(t, at, arches, warnings) ?? []);
  return { invert, parsed };
}

/** Applies the SystemCallFilter= lines in order. */
function buildFilter(
  lines: readonly UnitAssignment[],
  arches: readonly Arch[],
  warnings: FormatWarning[],
): SystemdFilter | undefined {
  let mode: SystemdFilter['mode'] | undefined;
  let names = new Map<string, SeccompAction | undefined>();
  let groups = new Set<string>();
  for (const line of lines) {
    if (line.value === '') {
      mode = undefined;
      names = new Map();
      groups = new Set();
      continue;
    }
    const { invert, parsed } = items(line, arches, warnings);
    if (mode === undefined) {
      mode = invert ? 'deny' : 'allow';
      if (mode === 'allow') {
        groupMembers('@default', arches).forEach((n) => names.set(n, undefined));
        groups.add('@default');
      }
    }
    const adding = (mode === 'allow') !== invert;
    for (const item of parsed) {
      if (item.action && mode === 'allow') {
        warnings.push({
          message: 'an allow list cannot give a syscall its own errno; the suffix is ignored',
          range: line.valueRange,
        });
      }
      if (item.group && adding) groups.add(item.group);
      for (const name of item.names) {
        if (adding) names.set(name, mode === 'deny' ? item.action : undefined);
        else names.delete(name);
      }
    }
  }
  return mode === undefined ? undefined : { mode, names, groups };
}

function buildLog(
  lines: readonly UnitAssignment[],
  arches: readonly Arch[],
  warnings: FormatWarning[],
): SystemdSeccomp['log'] {
  let log: { invert: boolean; names: Set<string> } | undefined;
  for (const line of lines) {
    if (line.value === '') {
      log = undefined;
      continue;
    }
    const { invert, parsed } = items(line, arches, warnings);
    log ??= { invert, names: new Set() };
    const adding = log.invert === invert;
    for (const name of parsed.flatMap((i) => i.names)) {
      if (adding) log.names.add(name);
      else log.names.delete(name);
    }
  }
  return log;
}

/** The unit's seccomp settings, read (arches decide which names exist). */
export function readSystemdSeccomp(
  assignments: readonly UnitAssignment[],
  arches: readonly Arch[],
  warnings: FormatWarning[],
): SystemdSeccomp {
  const of = (key: string) => assignments.filter((a) => a.key === key);
  const filter = buildFilter(of('SystemCallFilter'), arches, warnings);
  let errorAction: SeccompAction | undefined;
  for (const line of of('SystemCallErrorNumber')) {
    errorAction = line.value === '' ? undefined : parseSystemdErrno(line.value, line);
  }
  const log = buildLog(of('SystemCallLog'), arches, warnings);
  return {
    ...(filter ? { filter } : {}),
    ...(errorAction ? { errorAction } : {}),
    ...(log ? { log } : {}),
  };
}

const ALLOW: SeccompAction = { kind: 'allow' };
const LOG: SeccompAction = { kind: 'log' };

/** What the unit's filters do with a syscall no list names. */
export function systemdDefault(seccomp: SystemdSeccomp): SeccompAction {
  const filter = seccomp.filter;
  if (filter?.mode === 'allow') return seccomp.errorAction ?? KILL;
  return seccomp.log?.invert ? LOG : ALLOW;
}

/** What the unit's filters do with `name`. */
export function systemdVerdict(seccomp: SystemdSeccomp, name: string): SeccompAction {
  const filter = seccomp.filter;
  const listed = filter?.names.has(name) ?? false;
  if (filter?.mode === 'allow' && !listed) return seccomp.errorAction ?? KILL;
  if (filter?.mode === 'deny' && listed) {
    return filter.names.get(name) ?? seccomp.errorAction ?? KILL;
  }
  const log = seccomp.log;
  const logged = log !== undefined && log.names.has(name) !== log.invert;
  return logged ? LOG : ALLOW;
}
