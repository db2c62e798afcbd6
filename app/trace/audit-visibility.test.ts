import { describe, expect, it } from 'vitest';
import { describeAuditVisibility, parseActionsLogged } from './audit-visibility';

/** /proc/sys/kernel/seccomp/actions_logged on the project's machine (the kernel default). */
const DEFAULT_LOGGED = 'kill_process kill_thread trap errno user_notif trace log\n';
const readable = { readable: true } as const;

const loggedKinds = (v: ReturnType<typeof describeAuditVisibility>) =>
  v.actions.filter((a) => a.logged).map((a) => a.action);

describe('parseActionsLogged', () => {
  it('reads the names and sets aside unknown words', () => {
    const parsed = parseActionsLogged('kill_process  errno\tfuture_action\n');
    expect([...parsed.names]).toEqual(['kill_process', 'errno']);
    expect(parsed.unknown).toEqual(['future_action']);
  });

  it('reads an empty file as nothing logged', () => {
    expect(parseActionsLogged('\n').names.size).toBe(0);
  });
});

describe('describeAuditVisibility', () => {
  it('with SECCOMP_FILTER_FLAG_LOG and the default sysctl, sees every action but allow', () => {
    const v = describeAuditVisibility({
      actionsLogged: DEFAULT_LOGGED,
      filterFlagLog: true,
      kmsg: readable,
    });
    expect(v.source).toBe('audit-records');
    expect(loggedKinds(v)).toEqual([
      'kill-process',
      'kill-thread',
      'trap',
      'errno',
      'notify',
      'trace',
      'log',
    ]);
    expect(v.actions.find((a) => a.action === 'allow')?.reason).toBe('the kernel never logs allow');
    expect(v.summary).toBe(
      "Denials from the kernel's audit records (/dev/kmsg): kill-process, kill-thread, trap, errno, notify, trace, log are logged; allow is not.",
    );
  });

  it('without the flag, errno/trap/trace/notify denials are invisible', () => {
    const v = describeAuditVisibility({
      actionsLogged: DEFAULT_LOGGED,
      filterFlagLog: false,
      kmsg: readable,
    });
    expect(loggedKinds(v)).toEqual(['kill-process', 'kill-thread', 'log']);
    expect(v.actions.find((a) => a.action === 'errno')?.reason).toContain(
      'only for filters installed with SECCOMP_FILTER_FLAG_LOG',
    );
  });

  it('follows an admin who removed errno from actions_logged', () => {
    const v = describeAuditVisibility({
      actionsLogged: 'kill_process kill_thread',
      filterFlagLog: true,
      kmsg: readable,
    });
    expect(loggedKinds(v)).toEqual(['kill-process', 'kill-thread']);
    expect(v.actions.find((a) => a.action === 'errno')?.reason).toBe(
      'actions_logged does not list errno',
    );
  });

  it('falls back to the exit status when /dev/kmsg is not readable, and says why', () => {
    const reason = 'reading /dev/kmsg needs CAP_SYSLOG (kernel.dmesg_restrict=1)';
    const v = describeAuditVisibility({
      actionsLogged: DEFAULT_LOGGED,
      filterFlagLog: true,
      kmsg: { readable: false, reason },
    });
    expect(v.source).toBe('exit-status');
    expect(v.summary).toBe(`Denials from the exit status only: ${reason}.`);
    expect(loggedKinds(v)).toEqual([]);
    expect(v.actions.every((a) => a.reason === reason)).toBe(true);
  });

  it('falls back to the exit status when the kernel logs nothing', () => {
    const v = describeAuditVisibility({ actionsLogged: '', filterFlagLog: true, kmsg: readable });
    expect(v.source).toBe('exit-status');
    expect(v.summary).toContain('the kernel logs none of the actions');
  });

  it('treats an unreadable actions_logged as nothing logged', () => {
    const v = describeAuditVisibility({
      actionsLogged: undefined,
      filterFlagLog: true,
      kmsg: readable,
    });
    expect(v.source).toBe('exit-status');
    expect(v.actions[0]?.reason).toBe('actions_logged could not be read');
  });

  it('notes what records never carry and the printk rate limit', () => {
    const v = describeAuditVisibility({
      actionsLogged: DEFAULT_LOGGED + ' new_thing',
      filterFlagLog: true,
      kmsg: readable,
      printkRatelimit: { intervalSeconds: 5, burst: 10 },
    });
    expect(v.notes.join('\n')).toContain('errno numbers and trap/trace data are not logged');
    expect(v.notes.join('\n')).toContain('at most 10 messages per 5 s');
    expect(v.notes.join('\n')).toContain('new_thing');
  });
});
