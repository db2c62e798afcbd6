import { describe, expect, it } from 'vitest';
import { parsePolicy } from './parse';
import { describeDiagnostic, yaml } from './test-helpers';

function grants(text: string): string[] {
  const result = parsePolicy(text);
  expect(result.policy, result.diagnostics.map(describeDiagnostic).join('\n')).toBeDefined();
  return result.diagnostics.filter((d) => d.code === 'dangerous-grant').map(describeDiagnostic);
}

/** One rule `- <rule>` (a flow mapping) in an otherwise empty x86_64 policy. */
function rules(...entries: string[]): string {
  return `version: 1\nlinux:\n  seccomp:\n    rules:\n${entries.map((e) => `      - ${e}\n`).join('')}`;
}

describe('dangerous grants', () => {
  it('flags unconditional grants of syscalls that break out of a sandbox, with the reason', () => {
    expect(grants(rules('allow: [read, ptrace, bpf, keyctl, mount]'))).toEqual([
      "5:23-5:29 warning dangerous-grant: ptrace reads and changes other processes' memory and registers",
      '5:31-5:34 warning dangerous-grant: bpf loads programs into the kernel, a large attack surface',
      '5:36-5:42 warning dangerous-grant: keyctl uses the kernel keyring, which is not namespaced and is shared outside the sandbox',
      '5:44-5:49 warning dangerous-grant: mount changes the mount table, and with it what the sandbox can reach',
    ]);
    expect(grants(rules('{action: log, syscalls: [userfaultfd]}'))).toHaveLength(1);
  });

  it('accepts them with a condition, or when not granted', () => {
    expect(grants(rules('{allow: personality, when: "arg0 == 0"}'))).toEqual([]);
    expect(grants(rules('{errno: EPERM, syscalls: [ptrace, bpf]}', 'allow: [bpf]'))).toEqual([]);
    expect(grants(rules('{action: notify, syscalls: [ptrace]}'))).toEqual([]);
  });

  it('flags io_uring_setup and clone3 even with a condition', () => {
    expect(grants(rules('{allow: [io_uring_setup, clone3], when: "arg0 == 0"}'))).toEqual([
      '5:18-5:32 warning dangerous-grant: io_uring_setup starts io_uring, whose reads, writes, opens and connects bypass seccomp',
      '5:34-5:40 warning dangerous-grant: clone3 passes its flags in memory, where seccomp cannot check them for CLONE_NEWUSER; use "errno ENOSYS" so libc falls back to clone',
    ]);
  });

  it('flags clone and unshare unless the condition keeps namespace flags clear', () => {
    expect(grants(rules('allow: clone'))).toEqual([
      '5:16-5:21 warning dangerous-grant: clone can create namespaces (CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID and 4 more); add when: "noneof(arg0, CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWNET|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWCGROUP)"',
    ]);
    expect(
      grants(rules('{allow: unshare, when: "noneof(arg0, CLONE_NEWUSER|CLONE_NEWNET)"}')),
    ).toEqual([
      '5:17-5:24 warning dangerous-grant: unshare can create namespaces (CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS and 3 more); add when: "noneof(arg0, CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWCGROUP|CLONE_NEWTIME)"',
    ]);
    const namespaces =
      'CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWNET|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWCGROUP';
    // Docker's way: a mask that must be zero.
    expect(grants(rules(`{allow: clone, when: "arg0 & (${namespaces}) == 0"}`))).toEqual([]);
    // An allowlist of flag combinations, none with a namespace flag.
    expect(
      grants(
        rules(
          '{allow: clone, when: "arg0 in {CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, SIGCHLD}"}',
        ),
      ),
    ).toEqual([]);
    // An earlier deny of namespace flags makes the later unconditional allow safe.
    expect(
      grants(
        rules(
          `{errno: EPERM, syscalls: [clone], when: "anyof(arg0, ${namespaces})"}`,
          'allow: clone',
        ),
      ),
    ).toEqual([]);
  });

  it('flags ioctl unless TIOCSTI and TIOCLINUX are ruled out, high bits included', () => {
    expect(grants(rules('allow: ioctl'))).toEqual([
      '5:16-5:21 warning dangerous-grant: ioctl may be called with TIOCSTI or TIOCLINUX, which types commands into the terminal; allow only the requests needed, e.g. when: "arg1 in {TCGETS, FIONREAD}"',
    ]);
    expect(grants(rules('{allow: ioctl, when: "arg1 in {TCGETS, FIONREAD}"}'))).toEqual([]);
    // A 64-bit != is bypassed by setting high bits (the kernel truncates the request).
    expect(grants(rules('{allow: ioctl, when: "arg1 != TIOCSTI && arg1 != TIOCLINUX"}'))).toEqual([
      '5:17-5:22 warning dangerous-grant: ioctl may be called with TIOCSTI or TIOCLINUX, which types commands into the terminal; allow only the requests needed, e.g. when: "arg1 in {TCGETS, FIONREAD}"',
    ]);
    expect(
      grants(rules('{allow: ioctl, when: "(u32)arg1 != TIOCSTI && (u32)arg1 != TIOCLINUX"}')),
    ).toEqual([]);
    // A condition on another argument alone does not restrict the request.
    expect(grants(rules('{allow: ioctl, when: "arg0 == 1"}'))).toHaveLength(1);
  });

  it('flags execve only under the no-new-programs intent', () => {
    expect(grants(rules('allow: [execve, execveat]'))).toEqual([]);
    expect(
      grants(`version: 1\nintent: [no-new-programs]\n${rules('allow: [execve]').slice(11)}`),
    ).toEqual([
      '6:17-6:23 warning dangerous-grant: execve starts new programs, which the intent no-new-programs forbids',
    ]);
  });

  it('reports a group once, naming its dangerous members', () => {
    expect(grants(rules('allow: ["@debug"]'))).toEqual([
      '5:17-5:25 warning dangerous-grant: @debug allows dangerous syscalls: perf_event_open, ptrace; allow only those the program needs',
    ]);
  });

  it('flags a default that grants dangerous syscalls no rule decides', () => {
    const text = yaml`
      version: 1
      linux:
        seccomp:
          default: allow
          rules:
            - errno: EPERM
              syscalls: [ptrace, process_vm_readv, process_vm_writev, personality, bpf]
    `;
    expect(grants(text)).toEqual([
      '4:14-4:19 warning dangerous-grant: the default allow grants dangerous syscalls no rule decides: userfaultfd, keyctl, add_key, request_key, setns, mount and 20 more; deny them with a rule',
    ]);
  });

  it('skips syscalls the listed arches do not have', () => {
    const on = (arch: string) =>
      rules('allow: ["@reboot"]').replace('seccomp:', `seccomp:\n    arch: [${arch}]`);
    expect(grants(on('x86_64'))).toEqual([
      '6:17-6:26 warning dangerous-grant: @reboot allows dangerous syscalls: kexec_file_load, kexec_load; allow only those the program needs',
    ]);
    expect(grants(on('i386'))).toEqual([
      '6:17-6:26 warning dangerous-grant: @reboot allows dangerous syscalls: kexec_load; allow only those the program needs',
    ]);
  });
});
