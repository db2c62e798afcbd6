// Reads systemd's syscall groups (@basic-io, @file-system, …) from `systemd-analyze
// syscall-filter`, whose text format is:
//
//   @group
//       # one-line description
//       member              (a syscall name or a nested @group)
//       member  # note      (a member may carry a comment)
//   <blank line>
//   # Ungrouped System Calls (known but not included in any of the groups except @known):
//   #   name
//   # Unlisted System Calls (supported by the local kernel, but not included in any of the groups listed above):
//   #   name
//
// The "unlisted" section depends on the running kernel (it is read from tracefs), so it is not
// recorded; everything else comes from systemd's built-in tables and is reproducible.
import { execFileSync } from 'node:child_process';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * @typedef {{ name: string, description: string, members: string[], notes?: Record<string, string> }} SyscallGroup
 * @returns {{ groups: SyscallGroup[], ungrouped: string[] }}
 */
export function parseSyscallFilter(text) {
  const groups = [];
  const ungrouped = [];
  let group;
  let section;
  const fail = (lineNo, line, why) => {
    throw new Error(`systemd-analyze output line ${lineNo}: ${why}: ${JSON.stringify(line)}`);
  };
  text
    .replace(ANSI, '')
    .split('\n')
    .forEach((line, index) => {
      const lineNo = index + 1;
      if (line.trim() === '') {
        group = undefined;
        return;
      }
      const header = /^(@[a-z0-9-]+)\s*$/.exec(line);
      if (header) {
        if (groups.some((g) => g.name === header[1])) fail(lineNo, line, 'group listed twice');
        group = { name: header[1], description: '', members: [], notes: {} };
        groups.push(group);
        section = undefined;
        return;
      }
      const sectionStart = /^# (Ungrouped|Unlisted) System Calls\b/.exec(line);
      if (sectionStart) {
        section = sectionStart[1];
        group = undefined;
        return;
      }
      const sectionMember = /^#\s{3}(\w+)\s*$/.exec(line);
      if (sectionMember && section) {
        if (section === 'Ungrouped') ungrouped.push(sectionMember[1]);
        return;
      }
      if (/^# /.test(line) && !group) return; // other notes, e.g. why the kernel list is missing
      if (!group) fail(lineNo, line, 'member outside a group');
      const description = /^\s+# (.*)$/.exec(line);
      if (description) {
        if (group.description || group.members.length) fail(lineNo, line, 'second description');
        group.description = description[1].trim();
        return;
      }
      const member = /^\s+(@?[a-z0-9_-]+)\s*(?:#\s*(.*))?$/.exec(line);
      if (!member) fail(lineNo, line, 'not a syscall or group name');
      group.members.push(member[1]);
      if (member[2]) group.notes[member[1]] = member[2].trim();
    });
  checkNesting(groups);
  for (const g of groups) if (Object.keys(g.notes).length === 0) delete g.notes;
  if (!groups.some((g) => g.name === '@system-service')) {
    throw new Error('systemd-analyze output has no @system-service group: format changed?');
  }
  return { groups, ungrouped };
}

function checkNesting(groups) {
  const names = new Set(groups.map((g) => g.name));
  for (const g of groups) {
    for (const m of g.members) {
      if (m.startsWith('@') && !names.has(m)) {
        throw new Error(`${g.name} includes ${m}, which systemd-analyze does not list`);
      }
    }
  }
}

export function systemdVersion() {
  return execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
}

export function systemdSyscallGroups() {
  const text = execFileSync('systemd-analyze', ['--no-pager', 'syscall-filter'], {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', LANG: 'C' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return parseSyscallFilter(text);
}
