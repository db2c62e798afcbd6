import { describe, expect, it } from 'vitest';
import { parsePolicy } from './parse';
import { describeDiagnostic, yaml } from './test-helpers';

function diagnostics(text: string): string[] {
  return parsePolicy(text).diagnostics.map(describeDiagnostic);
}

function linuxOf(text: string) {
  const result = parsePolicy(text);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!result.policy) throw new Error('no policy');
  return result.policy.linux;
}

const strip = <T>(value: T): unknown =>
  JSON.parse(
    JSON.stringify(value, (key, v: unknown) =>
      key === 'range' ? undefined : typeof v === 'bigint' ? `${v}n` : v,
    ),
  );

describe('linux layers: the model', () => {
  it('leaves absent layers absent', () => {
    expect(linuxOf('version: 1\n')).toEqual({ noNewPrivs: true });
  });

  it('reads rlimits: bare values set soft = hard, sizes, unlimited, {soft, hard}, file order', () => {
    const linux = linuxOf(yaml`
      version: 1
      linux:
        rlimits:
          nproc: 0
          as: 1G
          nofile: { soft: 1024, hard: 4096 }
          core: unlimited
          stack: { soft: 8M, hard: unlimited }
          cpu: "30"
    `);
    expect(strip(linux.rlimits)).toEqual([
      { name: 'nproc', soft: '0n', hard: '0n' },
      { name: 'as', soft: '1073741824n', hard: '1073741824n' },
      { name: 'nofile', soft: '1024n', hard: '4096n' },
      { name: 'core', soft: 'unlimited', hard: 'unlimited' },
      { name: 'stack', soft: '8388608n', hard: 'unlimited' },
      { name: 'cpu', soft: '30n', hard: '30n' },
    ]);
    expect(linux.rlimits?.[2]?.range).toMatchObject({
      start: { line: 6, column: 13 },
      end: { line: 6, column: 39 },
    });
  });

  it('expresses the OpenSSH rlimit sandbox exactly', () => {
    const linux = linuxOf('version: 1\nlinux:\n  rlimits: { nofile: 0, nproc: 0, fsize: 0 }\n');
    expect(strip(linux.rlimits)).toEqual([
      { name: 'nofile', soft: '0n', hard: '0n' },
      { name: 'nproc', soft: '0n', hard: '0n' },
      { name: 'fsize', soft: '0n', hard: '0n' },
    ]);
  });

  it('expands capabilities: keep to effective, permitted and bounding', () => {
    const linux = linuxOf(
      'version: 1\nlinux:\n  capabilities: { keep: [net_bind_service, CAP_NET_BIND_SERVICE, SYS_CHROOT] }\n',
    );
    const keep = [{ name: 'CAP_NET_BIND_SERVICE' }, { name: 'CAP_SYS_CHROOT' }];
    expect(strip(linux.capabilities)).toEqual({
      effective: keep,
      permitted: keep,
      inheritable: [],
      ambient: [],
      bounding: keep,
      shorthand: true,
    });
  });

  it('reads the long capability form; an omitted set is empty', () => {
    const linux = linuxOf(yaml`
      version: 1
      linux:
        capabilities:
          permitted: [net_admin, net_raw]
          effective: [net_admin]
          inheritable: [net_raw]
          ambient: [net_raw]
    `);
    expect(strip(linux.capabilities)).toEqual({
      effective: [{ name: 'CAP_NET_ADMIN' }],
      permitted: [{ name: 'CAP_NET_ADMIN' }, { name: 'CAP_NET_RAW' }],
      inheritable: [{ name: 'CAP_NET_RAW' }],
      ambient: [{ name: 'CAP_NET_RAW' }],
      bounding: [],
      shorthand: false,
    });
    expect(linux.capabilities?.ambient[0]?.range.start).toMatchObject({ line: 7, column: 15 });
  });

  it('reads user, group and groups as one identity; digit strings are ids', () => {
    expect(
      strip(
        linuxOf('version: 1\nlinux:\n  user: nobody\n  group: "65534"\n  groups: [audio, 27]\n')
          .identity,
      ),
    ).toEqual({ user: 'nobody', group: 65534, groups: ['audio', 27] });
    const groupOnly = linuxOf('version: 1\nlinux:\n  group: staff\n').identity;
    expect(groupOnly).toMatchObject({ group: 'staff', range: { start: { line: 3, column: 10 } } });
    expect(groupOnly?.user).toBeUndefined();
  });

  it('reads chroot, landlock and namespaces', () => {
    const linux = linuxOf(yaml`
      version: 1
      linux:
        chroot: /var/empty
        namespaces: [user, net, user]
        landlock:
          read: [/usr, /etc]
          write: [/tmp/out]
          net_connect: [443]
    `);
    expect(strip(linux.chroot)).toEqual({ path: '/var/empty' });
    expect(linux.namespaces?.kinds).toEqual(['user', 'net']);
    expect(strip(linux.landlock)).toEqual({
      read: [{ path: '/usr' }, { path: '/etc' }],
      write: [{ path: '/tmp/out' }],
      netConnect: [{ port: 443 }],
    });
    expect(linux.landlock?.execute).toBeUndefined();
    expect(linux.landlock?.netBind).toBeUndefined();
  });

  it('takes an empty namespace list as no namespaces', () => {
    expect(linuxOf('version: 1\nlinux:\n  namespaces: []\n').namespaces).toBeUndefined();
  });

  it('reads best_effort, dumpable and seccomp_strict with their ranges', () => {
    const linux = linuxOf(yaml`
      version: 1
      linux:
        best_effort: [landlock, identity]
        landlock: { read: [/] }
        user: nobody
        dumpable: true
        seccomp_strict: false
    `);
    expect(strip(linux.bestEffort)).toEqual([{ layer: 'landlock' }, { layer: 'identity' }]);
    expect(linux.bestEffort?.[1]?.range.start).toMatchObject({ line: 3, column: 27 });
    expect(strip(linux.dumpable)).toEqual({ value: true });
    expect(strip(linux.seccompStrict)).toEqual({ value: false });
  });
});

describe('linux layers: errors point at the text at fault', () => {
  it('rlimits', () => {
    expect(
      diagnostics(
        'version: 1\nlinux:\n  rlimits: { nofile: -1, as: 64Q, nproc: {soft: 10, hard: 5}, stack: {soft: 1M}, cpu: [1], nofil: 2, core: 1K }\n',
      ),
    ).toEqual([
      '3:22-3:24 error invalid-rlimit: a limit is a whole number ≥ 0, not -1',
      '3:30-3:33 error invalid-rlimit: "64Q" is not a limit: write a number, a size such as 64M, or unlimited',
      '3:42-3:61 error rlimit-soft-above-hard: the soft limit (10) is above the hard limit (5): setrlimit refuses that',
      '3:63-3:68 error missing-key: missing required key "hard"',
      '3:87-3:90 error invalid-type: expected a limit (number, size or unlimited) or a mapping {soft, hard}, got a list',
      '3:92-3:97 error unknown-key: unknown key "nofil"; did you mean nofile? (allowed keys: as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)',
    ]);
  });

  it('rlimits: a bad value inside {soft, hard}, unlimited soft over a number', () => {
    expect(
      diagnostics(
        'version: 1\nlinux:\n  rlimits:\n    nofile: { soft: 64M, hard: 1 }\n    as: { soft: unlimited, hard: 1G }\n',
      ),
    ).toEqual([
      '4:21-4:24 error invalid-rlimit: nofile is a count, not a size: K/M/G/T suffixes apply to as, core, data, fsize, memlock, msgqueue, rss, stack',
      '5:9-5:38 error rlimit-soft-above-hard: the soft limit (unlimited) is above the hard limit (1073741824): setrlimit refuses that',
    ]);
  });

  it('capabilities: unknown names, mixed forms', () => {
    expect(
      diagnostics(
        'version: 1\nlinux:\n  capabilities: { keep: [NET_BIND_SERVIC, sys_admin], ambient: [chown] }\n',
      ),
    ).toEqual([
      '3:26-3:41 error unknown-capability: unknown capability "NET_BIND_SERVIC"; did you mean NET_BIND_SERVICE?',
      '3:55-3:62 error capability-form: "ambient" does not go with "keep": keep is the shorthand for effective, permitted and bounding; write either keep or the sets',
    ]);
  });

  it('capabilities: the kernel rules between the sets', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          capabilities:
            effective: [net_admin, chown]
            permitted: [chown, net_raw]
            inheritable: [net_raw]
            ambient: [net_raw, chown, kill]
      `),
    ).toEqual([
      '4:17-4:26 error capability-sets: CAP_NET_ADMIN is effective but not permitted: the kernel requires effective ⊆ permitted (capset fails with EPERM)',
      '7:24-7:29 error capability-sets: CAP_CHOWN is ambient but not inheritable: the kernel requires ambient ⊆ permitted ∩ inheritable (raising it fails with EPERM)',
      '7:31-7:35 error capability-sets: CAP_KILL is ambient but in neither permitted nor inheritable: the kernel requires ambient ⊆ permitted ∩ inheritable (raising it fails with EPERM)',
    ]);
  });

  it('identity, chroot, namespaces, best_effort, landlock, dumpable', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          user: "bad name"
          group: 4294967295
          groups: [wheel, -3, "12"]
          chroot: var/empty
          namespaces: [mnt, cgroup, pdi, user]
          best_effort: [user, seccomp, landlok]
          landlock: { read: [usr], net_bind: [70000, 1.5] }
          dumpable: 1
      `),
    ).toEqual([
      '3:9-3:19 error invalid-id: "bad name" is not a valid user name',
      '4:10-4:20 error invalid-id: a group id is a whole number from 0 to 4294967294, not 4294967295',
      '5:19-5:21 error invalid-id: a group id is a whole number from 0 to 4294967294, not -3',
      '6:11-6:20 error invalid-path: chroot must be an absolute path (starting with /), not "var/empty"',
      '7:16-7:19 error unknown-namespace: unknown namespace "mnt"; this is called mount here',
      '7:21-7:27 error unknown-namespace: the cgroup namespace is not supported (supported: user, pid, net, mount, ipc, uts)',
      '7:29-7:32 error unknown-namespace: unknown namespace "pdi"; did you mean pid? (supported: user, pid, net, mount, ipc, uts)',
      '8:17-8:21 error unknown-layer: user, group and groups are one layer: write "identity" (layers: namespaces, landlock, chroot, rlimits, identity, capabilities)',
      '8:23-8:30 error unknown-layer: seccomp cannot be best effort: a run without it would not be the sandbox the policy describes (layers: namespaces, landlock, chroot, rlimits, identity, capabilities)',
      '8:32-8:39 error unknown-layer: unknown layer "landlok"; did you mean landlock? (layers: namespaces, landlock, chroot, rlimits, identity, capabilities)',
      '9:22-9:25 error invalid-path: a Landlock path must be an absolute path (starting with /), not "usr"',
      '9:39-9:44 error invalid-value: a port is a whole number from 0 to 65535',
      '9:46-9:49 error invalid-type: a port is a whole number from 0 to 65535',
      '10:13-10:14 error invalid-type: expected true or false, got the number 1',
    ]);
  });

  it('wrong shapes say what was expected', () => {
    expect(
      diagnostics(yaml`
        version: 1
        linux:
          landlock: {}
          rlimits: 5
          capabilities: [a]
          namespaces: user
          best_effort: landlock
      `),
    ).toEqual([
      '3:13-3:15 error empty-landlock: say what Landlock allows: read, write, execute, net_bind, net_connect',
      '4:12-4:13 error invalid-type: expected a mapping of limit names to values, e.g. { nofile: 64, as: 1G }, got the number 5',
      '5:17-5:20 error invalid-type: expected a mapping: { keep: [...] } or the sets effective, permitted, …, got a list',
      '6:15-6:19 error invalid-type: expected a list of namespaces, got the string "user"; write it as a list: [user]',
      '7:16-7:24 error invalid-type: expected a list of layer names, got the string "landlock"; write it as a list: [landlock]',
    ]);
  });

  it('an unknown linux key lists the layers', () => {
    expect(diagnostics('version: 1\nlinux:\n  rlimit: {}\n')).toEqual([
      '3:3-3:9 error unknown-key: unknown key "rlimit"; did you mean rlimits? (allowed keys: no_new_privs, seccomp, rlimits, capabilities, user, group, groups, chroot, landlock, namespaces, best_effort, dumpable, seccomp_strict)',
    ]);
  });
});

describe('linux layers: warnings', () => {
  it('says what cannot be imposed from outside, and where Export → C comes in', () => {
    const found = parsePolicy('version: 1\nlinux:\n  dumpable: false\n  seccomp_strict: true\n');
    expect(found.policy).toBeDefined();
    expect(found.diagnostics.map(describeDiagnostic)).toEqual([
      '3:13-3:18 warning program-only-setting: dumpable: false cannot be imposed from outside: execve resets PR_SET_DUMPABLE, so the program must call prctl(PR_SET_DUMPABLE, 0) itself (Export → C generates it). Runs in the studio leave the target dumpable.',
      '4:19-4:23 warning program-only-setting: seccomp_strict cannot be imposed from outside: strict mode allows only read, write, _exit and sigreturn, so it would kill the execve that starts the target. The program must enter it itself once set up (Export → C generates the call). Runs in the studio do not apply it.',
    ]);
    expect(diagnostics('version: 1\nlinux:\n  dumpable: true\n  seccomp_strict: false\n')).toEqual(
      [],
    );
  });

  it('capabilities a non-root user loses at execve', () => {
    expect(
      diagnostics(
        'version: 1\nlinux:\n  user: nobody\n  capabilities: { keep: [net_bind_service] }\n',
      ),
    ).toEqual([
      '4:17-4:45 warning capabilities-lost-on-exec: a program running as a non-root user keeps only its ambient capabilities across execve: CAP_NET_BIND_SERVICE will be gone unless the file itself has them. To keep them, write the long form with them in permitted, inheritable and ambient.',
    ]);
    const ambient = yaml`
      version: 1
      linux:
        user: nobody
        capabilities:
          permitted: [net_bind_service]
          effective: [net_bind_service]
          inheritable: [net_bind_service]
          ambient: [net_bind_service]
    `;
    expect(diagnostics(ambient)).toEqual([]);
  });

  it('capabilities root gains at execve from bounding and inheritable', () => {
    expect(
      diagnostics(
        'version: 1\nlinux:\n  user: root\n  capabilities: { permitted: [chown], bounding: [chown, kill], inheritable: [kill, net_raw] }\n',
      ),
    ).toEqual([
      '4:17-4:94 warning capabilities-gained-on-exec: the target runs as root, and execve gives root every capability of its bounding and inheritable sets: it will have CAP_KILL, CAP_NET_RAW although permitted does not list them. Drop them from bounding and inheritable, or set user.',
    ]);
    expect(diagnostics('version: 1\nlinux:\n  capabilities: { bounding: [kill] }\n')).toEqual([
      "3:17-3:37 warning capabilities-gained-on-exec: without user, the target keeps the studio's user; if that is root, execve gives root every capability of its bounding and inheritable sets: it will have CAP_KILL although permitted does not list them. Drop them from bounding and inheritable, or set user.",
    ]);
    expect(diagnostics('version: 1\nlinux:\n  capabilities: { keep: [kill] }\n')).toEqual([]);
  });

  it('limits that bite before exec, and nproc that does not bite root', () => {
    expect(
      diagnostics(yaml`
        version: 1
        target: { command: [/usr/bin/true] }
        linux:
          user: nobody
          rlimits: { nofile: 3, nproc: 10 }
      `),
    ).toEqual([
      '5:22-5:23 info rlimit-before-exec: with nofile 3 the target cannot open a descriptor beyond stdin, stdout and stderr, so the dynamic loader cannot open shared libraries: only a statically linked program starts. (OpenSSH sets nofile 0 after its own setup, from inside.)',
    ]);
    expect(diagnostics('version: 1\nlinux:\n  user: 0\n  rlimits: { nproc: 0 }\n')).toEqual([
      '4:21-4:22 warning rlimit-not-applied: RLIMIT_NPROC does not limit root: set user to a non-root user for nproc to take effect.',
    ]);
    // Without a target there is no exec to break, and nofile 4 leaves the loader descriptor 3.
    expect(diagnostics('version: 1\nlinux:\n  rlimits: { nofile: 0 }\n')).toEqual([]);
    expect(
      diagnostics(
        'version: 1\ntarget: { command: [/bin/true] }\nlinux:\n  rlimits: { nofile: 4 }\n',
      ),
    ).toEqual([]);
  });

  it('a Landlock ruleset that forbids executing the target', () => {
    const policy = (execute: string) => yaml`
      version: 1
      target: { command: [/usr/bin/ls, /] }
      linux:
        landlock: { read: [/usr], ${execute} }
    `;
    expect(diagnostics(policy('net_bind: []'))).toEqual([
      '4:13-4:43 warning landlock-blocks-exec: /usr/bin/ls is not beneath any Landlock execute path: starting it will fail with EACCES (execve needs both). Add its directory to execute.',
    ]);
    expect(diagnostics(policy('execute: [/usr/bin/]'))).toEqual([]);
    // execve opens the program: Landlock checks READ_FILE on it too.
    expect(
      diagnostics(
        'version: 1\ntarget: { command: [/usr/bin/ls] }\nlinux:\n  landlock: { read: [/etc], execute: [/usr] }\n',
      ),
    ).toEqual([
      '4:13-4:46 warning landlock-blocks-exec: /usr/bin/ls is not beneath any Landlock read path: starting it will fail with EACCES (execve needs both). Add its directory to read.',
    ]);
    expect(diagnostics(policy('execute: [/]'))).toEqual([]);
    expect(diagnostics(policy('execute: [/usr/bin/ls]'))).toEqual([]);
    expect(diagnostics(policy('execute: [/usr/b]'))).toHaveLength(1);
    // Only the network is restricted: files are not handled.
    expect(
      diagnostics(
        'version: 1\ntarget: { command: [/usr/bin/ls] }\nlinux:\n  landlock: { net_connect: [] }\n',
      ),
    ).toEqual([]);
  });

  it('a chroot root can leave', () => {
    expect(diagnostics('version: 1\nlinux:\n  chroot: /var/empty\n')).toEqual([
      "3:11-3:21 warning chroot-escape: without user, the target keeps the studio's user; if that is root, it keeps CAP_SYS_CHROOT, with which a process can leave a chroot: set user, or drop the capability (capabilities: { keep: [] }).",
    ]);
    expect(
      diagnostics('version: 1\nlinux:\n  chroot: /var/empty\n  capabilities: { keep: [] }\n'),
    ).toEqual([]);
    expect(diagnostics('version: 1\nlinux:\n  chroot: /var/empty\n  user: nobody\n')).toEqual([]);
  });

  it('best effort for a layer the policy does not have', () => {
    expect(
      diagnostics('version: 1\nlinux:\n  best_effort: [chroot, rlimits]\n  rlimits: { core: 0 }\n'),
    ).toEqual(['3:17-3:23 warning unused-best-effort: this policy has no chroot layer to apply']);
  });
});
