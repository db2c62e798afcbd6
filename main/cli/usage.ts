import type { CommandName } from './args';

const OVERVIEW = `Usage: sandbox-studio COMMAND [OPTIONS]

Design and test Linux sandbox policies (*.sandbox.yaml) against real programs.

Commands:
  learn POLICY [-- CMD ARGS...]    run the program, report the syscalls the policy does not allow yet
  check POLICY [-- CMD ARGS...]    run the program under the policy, report every denial
  compile POLICY                   print the compiled, verified seccomp filter
  serve                            start the studio in web mode (http://127.0.0.1)

Options:
  -h, --help       show help (also: sandbox-studio COMMAND --help)
  -V, --version    print the version

Exit codes: 0 success, 1 the run failed (check: denials or a non-zero exit), 2 usage or policy errors.
`;

const COMMANDS: Readonly<Record<CommandName, string>> = {
  learn: `Usage: sandbox-studio learn POLICY [--json] [--update] [-- CMD ARGS...]

Runs the policy's target (or CMD ARGS... after --) with every syscall the policy does not allow
reported instead of denied, then lists those syscalls with their counts.

Options:
  --json      print exactly one JSON event per line on stdout (messages go to stderr)
  --update    add the syscalls the run used to POLICY's allow rules (the file is saved atomically)
  -h, --help  show this help

Output: one line per event (time, pid/tid, syscall with raw arguments); the program's own stdout
and stderr pass through unchanged.

Exit codes: 0 the run completed (whatever the program's exit status), 1 the run failed to start or
the supervisor failed, 2 usage or policy errors.
`,
  check: `Usage: sandbox-studio check POLICY [--json] [-- CMD ARGS...]

Runs the policy's target (or CMD ARGS... after --) under the policy and reports every denial.

Options:
  --json      print exactly one JSON event per line on stdout (messages go to stderr)
  -h, --help  show this help

Exit codes: 0 the program exited 0 and nothing was denied, 1 something was denied or the program
exited non-zero (or the run failed), 2 usage or policy errors.
`,
  compile: `Usage: sandbox-studio compile POLICY [--format disasm|hex|json]

Compiles the policy's seccomp rules to a classic-BPF filter, verifies it and prints it.

Options:
  --format F  disasm (default): readable listing; hex: the raw sock_filter array; json: instructions
  -h, --help  show this help

Exit codes: 0 success, 1 internal errors, 2 usage or policy errors.
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
