import { SUPPORTED_ARCHES } from '../../app/linux/syscalls';
import type { CommandName } from './args';

const OVERVIEW = `Usage: sandbox-studio COMMAND [OPTIONS]

Design and test Linux sandbox policies (*.sandbox.yaml) against real programs.

Commands:
  learn POLICY [-- CMD ARGS...]    run the program, report the syscalls the policy does not allow yet
  check POLICY [-- CMD ARGS...]    run the program under the policy, report every denial
  enforce POLICY [-- CMD ARGS...]  run it under the policy exactly as deployed (the kernel acts alone)
  audit PID                        a running process's sandbox: /proc posture and its seccomp filters
  import FORMAT FILE               oci|k8s|systemd|minijail|strace|bpf → a policy on stdout
  export FORMAT POLICY             oci|k8s|systemd|minijail|bpf, or C code: c|libseccomp-c|windows-c|freebsd-c
  compile POLICY                   print the compiled, verified seccomp filter
  simulate POLICY --nr N|NAME      run the compiled filter on one syscall, print the verdict
  disasm FILE                      list a BPF filter in seccomp-tools format
  asm FILE                         assemble seccomp-tools style text into a filter
  decompile FILE                   turn any seccomp filter back into a policy
  serve                            start the studio in web mode (http://127.0.0.1)
  lessons                          list the lessons: numbered exercises with a program and a goal
  lesson N|NAME                    run a lesson's program under its policy and check the goal

Options:
  -h, --help       show help (also: sandbox-studio COMMAND --help)
  -V, --version    print the version

Exit codes: 0 success, 1 the run failed (check: denials or a non-zero exit), 2 usage or policy errors.
`;

const COMMANDS: Readonly<Record<CommandName, string>> = {
  learn: `Usage: sandbox-studio learn POLICY [--json] [--all] [--update] [-- CMD ARGS...]

Runs the policy's target (or CMD ARGS... after --) with every syscall the policy does not allow
reported instead of denied, then lists those syscalls with their counts.

Options:
  --json      print exactly one JSON event per line on stdout, every syscall (messages go to stderr)
  --all       print every syscall event, not only the first of each syscall
  --update    add the syscalls the run used to POLICY's allow rules (the file is saved atomically)
  -h, --help  show this help

Output: one line per event (time, pid/tid, syscall with raw arguments), each syscall only the
first time it is seen unless --all (the closing table counts them all); the program's own stdout
and stderr pass through unchanged.

Exit codes: 0 the run completed (whatever the program's exit status), 1 the run failed to start or
the supervisor failed, 2 usage or policy errors.
`,
  check: `Usage: sandbox-studio check POLICY [--json] [--all] [-- CMD ARGS...]

Runs the policy's target (or CMD ARGS... after --) under the policy and reports every denial:
the first of each syscall and action as it happens (every one with --all), then their counts.

Options:
  --json      print exactly one JSON event per line on stdout, every denial (messages go to stderr)
  --all       print every denial, not only the first of each syscall and action
  -h, --help  show this help

Exit codes: 0 the program exited 0 and nothing was denied, 1 something was denied or the program
exited non-zero (or the run failed), 2 usage or policy errors.
`,
  enforce: `Usage: sandbox-studio enforce POLICY [--json] [--all] [-- CMD ARGS...]

Runs the policy's target (or CMD ARGS... after --) under the policy exactly as it will be deployed:
the kernel applies every action itself, nothing is supervised. The filter is installed with
SECCOMP_FILTER_FLAG_LOG, and denials are read from the kernel's audit records in /dev/kmsg when
they can be (root or CAP_SYSLOG); otherwise the run says so and only the exit status tells.
Audit records carry no arguments and no errno number, and the kernel rate-limits them.

Options:
  --json      print exactly one JSON event per line on stdout (messages go to stderr)
  --all       print every denial, not only the first of each syscall and action
  -h, --help  show this help

Exit codes: as for check.
`,
  import: `Usage: sandbox-studio import FORMAT FILE [--caps LIST] [--arch A] [--kernel VERSION]
       sandbox-studio import strace FILE [--trace] [--save [-w DIR]] [--arch A]

Turns a policy from elsewhere into a sandbox policy (YAML on stdout; FILE - is stdin):
  oci       an OCI seccomp profile (Docker, Podman, containerd); --caps: the container's
            capabilities (default Docker's), --arch: the host, --kernel: its version for minKernel
  k8s       a Security Profiles Operator SeccompProfile (the same options as oci)
  systemd   a unit or drop-in (SystemCallFilter=, ..., Limit*=, RestrictNamespaces=)
  minijail  a minijail seccomp policy file
  strace    a log of strace -f -o FILE: allows every syscall it made
  bpf       a raw sock_filter program (binary or seccomp-tools text), decompiled
What the target format cannot say is printed as warnings on stderr.

Options:
  --caps LIST          oci, k8s: comma-separated capabilities, CAP_ prefix optional ('' for none)
  -a, --arch A         the host's arch (oci, k8s, systemd) or the program's (minijail, strace, bpf):
                       ${SUPPORTED_ARCHES.join(', ')}
  --kernel VERSION     oci, k8s: the host kernel, e.g. 6.1 (default: every minKernel is met)
  --trace              strace: print the log as a trace instead, one JSON event per line (the
                       events learn --json prints)
  --save               strace: also save the trace as a run, which the studio lists under Saved runs
  -w, --workspace DIR  where --save puts it: DIR/.sandbox-studio/runs, the runs of
                       sandbox-studio serve --workspace DIR (default: the current directory)
  -h, --help           show this help

Exit codes: 0 success, 2 usage errors or a malformed FILE (reported as FILE:LINE:COL).
`,
  export: `Usage: sandbox-studio export FORMAT POLICY [--arch A] [--conditional allow|deny] [--name N] [--namespace NS] [--no-tsync]

Writes the policy where it will be deployed (stdout):
  oci, k8s, systemd, minijail, bpf   (systemd: --conditional says what to do with syscalls the
                                      policy allows only under an argument condition; default deny)
  c             C23 code applying the whole Linux sandbox itself (seccomp with TSYNC, rlimits, ...)
  libseccomp-c  the same through libseccomp
  windows-c     SetProcessMitigationPolicy / PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY code
  freebsd-c     cap_enter() and cap_rights_limit() code
What the format cannot express is printed as FILE:LINE:COL: warning: lines on stderr.
`,
  audit: `Usage: sandbox-studio audit PID [--json]

Shows a running process's sandbox posture per thread from /proc (seccomp mode and filter count,
no_new_privs, capability sets, dumpable, rlimits, namespaces), the system's Yama ptrace scope and
whether Landlock is enabled, and its seccomp filters read with PTRACE_SECCOMP_GET_FILTER,
disassembled and decompiled into an editable policy. Reading filters needs CAP_SYS_ADMIN; without
it the posture is still shown and the missing privilege named.

Options:
  --json      the same as one JSON document
  -h, --help  show this help
`,
  compile: `Usage: sandbox-studio compile POLICY [--arch A] [--format disasm|hex|c-array|json]

Compiles the policy's seccomp rules to one classic-BPF filter for all the arches it lists,
verifies it with the kernel's rules and prints it.

Options:
  -a, --arch A    compile only this of the policy's arches (${SUPPORTED_ARCHES.join(', ')})
  -f, --format F  disasm (default): seccomp-tools listing; hex: one \`code jt jf k\` line per
                  instruction; c-array: struct sock_filter + struct sock_fprog; json: instructions
  -h, --help      show this help

Exit codes: 0 success, 1 internal errors, 2 usage or policy errors.
`,
  simulate: `Usage: sandbox-studio simulate POLICY --nr N|NAME [--args A,B,...] [--arch A] [--trace]

Runs the policy's compiled filter on one syscall exactly as the kernel would and prints the
verdict, the filter's return value and how many instructions it executed.

Options:
  -n, --nr N|NAME  the syscall: a number (decimal or 0x) or a name of the arch
  --args LIST      up to six comma-separated arguments: decimal, 0x hex, or negative (two's
                   complement); write --args=-1,0 when the first one is negative. Missing ones are 0
  -a, --arch A     the ABI making the call (default: the policy's first arch); an arch the policy
                   does not list gets bad_arch
  -t, --trace      also print the listing line of every instruction executed
  -h, --help       show this help

Exit codes: 0 success, 1 internal errors, 2 usage or policy errors.
`,
  disasm: `Usage: sandbox-studio disasm FILE [--arch A]

Lists a seccomp BPF filter the way seccomp-tools does (\`line CODE JT JF K\` and C-like text, syscall
names of the arch each branch tests). FILE holds raw struct sock_filter bytes (seccomp-tools,
libseccomp export_bpf, PTRACE_SECCOMP_GET_FILTER) or text: hex lines as \`compile --format hex\`
prints them, a listing, C initializers or assembly. - reads standard input.

Options:
  -a, --arch A  name syscalls of this arch where the filter does not test the arch (default x86_64)
  -h, --help    show this help

A filter the kernel would refuse is listed too; the reasons go to stderr.
Exit codes: 0 success, 2 usage errors or an unreadable FILE.
`,
  asm: `Usage: sandbox-studio asm FILE [--format hex|binary] [--arch A]

Assembles seccomp-tools style text into a filter and verifies it. Each line is a statement,
optionally after labels (\`0004:\`, \`allow:\`):
  A = arch | sys_number | args[N] | args[N] >> 32 | instruction_pointer | mem[N] | X | 7
  X = A | mem[N] | 7      mem[N] = A | X      A += 1 (also -= *= /= &= |= ^= <<= >>=)   A = -A
  if (A == read) goto L [else goto M]      if (!(A & 0x4)) goto L      A >= 0x40000000 ? L : next
  goto L      return ALLOW | KILL | KILL_PROCESS | TRAP | ERRNO(EACCES) | TRACE(1) | LOG | USER_NOTIF | A
Targets are labels, \`next\`, or line numbers (listing line numbers when lines carry them).
Listings, hex lines and C initializers are read too. Comments start with # or //. - reads stdin.

Options:
  -f, --format F  hex (default): one \`code jt jf k\` line per instruction; binary: raw bytes
  -a, --arch A    the arch of syscall names where the program does not test the arch (default x86_64)
  -h, --help      show this help

Exit codes: 0 success, 2 usage errors or errors in FILE (reported as FILE:LINE:COL).
`,
  decompile: `Usage: sandbox-studio decompile FILE [--arch A]

Turns a seccomp filter (any the kernel accepts: the studio's, libseccomp's, one read back from a
process) into a policy that gives every syscall the same verdict, and prints it as YAML. FILE is
read as for disasm. What a policy cannot say exactly is reported on stderr and in the header.

Options:
  -a, --arch A  the ABI to assume when the filter never tests the arch (default x86_64)
  -h, --help    show this help

Exit codes: 0 success, 2 usage errors, an unreadable FILE or a filter that cannot be decompiled.
`,
  lessons: `Usage: sandbox-studio lessons

Lists the lessons: step-by-step exercises, each with a small C program, a starting policy and a
goal ("make it run cleanly", "make it fail safely") that the studio checks. The lessons panel of
the studio shows their steps; \`sandbox-studio lesson N\` runs one.
`,
  lesson: `Usage: sandbox-studio lesson N|NAME [--policy FILE | --solution] [--print-policy] [--json]

Compiles the lesson's program with the system C compiler on first use (cached in
$XDG_CACHE_HOME/sandbox-studio/lessons), runs it under the lesson's starting policy in the goal's
mode, prints the run as check does, then whether the goal is met, and why.

Options:
  -p, --policy FILE  run under FILE instead (its {{target}} strings become the program's path)
  --solution         run under the lesson's solution
  --print-policy     print the policy (starting, solution or FILE) with the program's path filled
                     in, and run nothing: save it, edit it, then run it with --policy
  --json             print exactly one JSON event per line on stdout (messages go to stderr)
  -h, --help         show this help

Exit codes: 0 the goal is met, 1 it is not (or the program cannot be compiled), 2 usage errors,
an unknown lesson or a policy with errors.
`,
  serve: `Usage: sandbox-studio serve [--port N] [--host 127.0.0.1] [--workspace DIR] [--open]

Serves the studio's web UI on the loopback interface and prints its URL with a secret token.
Runs until interrupted (Ctrl+C), then stops every run.

Options:
  -p, --port N         port to listen on (default: any free port)
  --host ADDR          loopback address to listen on: 127.0.0.0/8 or ::1 (default 127.0.0.1)
  -w, --workspace DIR  folder whose *.sandbox.yaml files the UI opens and saves (default: cwd)
  --open               open the URL in the default browser
  -h, --help           show this help
`,
};

export function usageText(topic?: CommandName): string {
  return topic === undefined ? OVERVIEW : COMMANDS[topic];
}

/** The one-line pointer printed after a usage error. */
export function usageHint(topic?: string): string {
  return topic === undefined
    ? 'Run `sandbox-studio --help` for usage.'
    : `Run \`sandbox-studio ${topic} --help\` for usage.`;
}
