/**
 * /etc/passwd and /etc/group as text → entries, and an identity plan → the numbers to pass to
 * setgroups, setresgid and setresuid. Pure: the launcher reads the files (inside the machine's
 * root, before any chroot) and calls these. Lookups follow glibc's files backend: the first
 * entry with a name or id wins; `+`/`-` NIS compat lines are not entries.
 */

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
  readonly line: number;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
  readonly line: number;
}

/** A line that is not an entry, for messages. */
export interface EntryProblem {
  readonly line: number;
  readonly message: string;
}

export interface Parsed<T> {
  readonly entries: readonly T[];
  readonly problems: readonly EntryProblem[];
}

const MAX_ID = 2 ** 32 - 2;

function parseId(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return id <= MAX_ID ? id : undefined;
}

/** Splits the file into numbered field lists, skipping blanks, comments and NIS compat lines. */
function records(text: string): { fields: string[]; line: number }[] {
  return text
    .split('\n')
    .map((raw, index) => ({ raw: raw.replace(/\r$/, ''), line: index + 1 }))
    .filter(({ raw }) => raw.trim() !== '' && !/^\s*#/.test(raw) && !/^[+-]/.test(raw))
    .map(({ raw, line }) => ({ fields: raw.split(':'), line }));
}

export function parsePasswd(text: string): Parsed<PasswdEntry> {
  const entries: PasswdEntry[] = [];
  const problems: EntryProblem[] = [];
  for (const { fields, line } of records(text)) {
    const [name = '', , uidText = '', gidText = '', , home = '', shell = ''] = fields;
    const uid = parseId(uidText);
    const gid = parseId(gidText);
    if (fields.length !== 7) {
      problems.push({
        line,
        message: `${fields.length} fields instead of 7 in "${fields.join(':')}"`,
      });
    } else if (name === '' || uid === undefined || gid === undefined) {
      problems.push({ line, message: `bad name, uid or gid in "${fields.join(':')}"` });
    } else {
      entries.push({ name, uid, gid, home, shell, line });
    }
  }
  return { entries, problems };
}

export function parseGroup(text: string): Parsed<GroupEntry> {
  const entries: GroupEntry[] = [];
  const problems: EntryProblem[] = [];
  for (const { fields, line } of records(text)) {
    const [name = '', , gidText = '', memberText = ''] = fields;
    const gid = parseId(gidText);
    if (fields.length !== 4) {
      problems.push({
        line,
        message: `${fields.length} fields instead of 4 in "${fields.join(':')}"`,
      });
    } else if (name === '' || gid === undefined) {
      problems.push({ line, message: `bad name or gid in "${fields.join(':')}"` });
    } else {
      const members = memberText
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m !== '');
      entries.push({ name, gid, members, line });
    }
  }
  return { entries, problems };
}

/** The identity part of the launcher's plan (layer-plan.ts IdentityPlan); names or numbers. */
export interface IdentityRequest {
  readonly user?: string | number;
  readonly group?: string | number;
  readonly groups?: readonly (string | number)[];
}

/** What to apply: setgroups(groups), then setresgid(gid) and setresuid(uid) when defined. */
export interface ResolvedIdentity {
  readonly uid?: number;
  readonly gid?: number;
  readonly groups: readonly number[];
}

export type IdentityResult = ResolvedIdentity | { readonly error: string };

export function isIdentityError(r: IdentityResult): r is { readonly error: string } {
  return 'error' in r;
}

/** A name that failed to resolve may be on a line the parser could not read: say so. */
function notFound(what: string, name: string, file: string, problems: readonly EntryProblem[]) {
  const near = problems.find((p) => p.message.includes(`"${name}:`));
  const hint = near
    ? ` (${file} line ${near.line} mentions it but is malformed: ${near.message})`
    : '';
  return { error: `${what} "${name}" is not in ${file}${hint}` };
}

type Lookup<T> = { readonly value: T } | { readonly error: string };

function lookupUser(
  user: string | number,
  passwd: Parsed<PasswdEntry>,
): Lookup<PasswdEntry | number> {
  if (typeof user === 'number') {
    return { value: passwd.entries.find((e) => e.uid === user) ?? user };
  }
  const entry = passwd.entries.find((e) => e.name === user);
  return entry ? { value: entry } : notFound('user', user, '/etc/passwd', passwd.problems);
}

function lookupGroup(group: string | number, groups: Parsed<GroupEntry>): Lookup<number> {
  if (typeof group === 'number') return { value: group };
  const entry = groups.entries.find((e) => e.name === group);
  return entry ? { value: entry.gid } : notFound('group', group, '/etc/group', groups.problems);
}

/** initgroups(3): the primary group, then every group listing the user as a member. */
function userGroups(name: string, gid: number, groups: Parsed<GroupEntry>): number[] {
  const member = groups.entries.filter((g) => g.members.includes(name)).map((g) => g.gid);
  return [...new Set([gid, ...member])];
}

/**
 * Resolves user, group and supplementary groups against the files' text.
 * - `group` absent: the user's primary group from /etc/passwd.
 * - `groups` absent: the user's groups (initgroups), or only the primary group without a user.
 * A uid with no passwd entry needs an explicit `group`: there is no primary group to take.
 */
export function resolveIdentity(
  request: IdentityRequest,
  passwdText: string,
  groupText: string,
): IdentityResult {
  const passwd = parsePasswd(passwdText);
  const groupFile = parseGroup(groupText);
  const user = request.user === undefined ? undefined : lookupUser(request.user, passwd);
  if (user && 'error' in user) return user;
  const entry = user && typeof user.value === 'object' ? user.value : undefined;
  const uid = entry ? entry.uid : (user?.value as number | undefined);
  const group = request.group === undefined ? undefined : lookupGroup(request.group, groupFile);
  if (group && 'error' in group) return group;
  const gid = group ? group.value : entry?.gid;
  if (uid !== undefined && gid === undefined) {
    return { error: `uid ${uid} has no entry in /etc/passwd to take a group from: set group` };
  }
  const groups = resolveGroups(request.groups, entry, gid, groupFile);
  if ('error' in groups) return groups;
  return {
    ...(uid !== undefined && { uid }),
    ...(gid !== undefined && { gid }),
    groups: groups.value,
  };
}

function resolveGroups(
  requested: IdentityRequest['groups'],
  entry: PasswdEntry | undefined,
  gid: number | undefined,
  groupFile: Parsed<GroupEntry>,
): Lookup<number[]> {
  if (requested === undefined) {
    if (entry) return { value: userGroups(entry.name, gid ?? entry.gid, groupFile) };
    return { value: gid === undefined ? [] : [gid] };
  }
  const out: number[] = [];
  for (const g of requested) {
    const found = lookupGroup(g, groupFile);
    if ('error' in found) return found;
    if (!out.includes(found.value)) out.push(found.value);
  }
  return { value: out };
}
