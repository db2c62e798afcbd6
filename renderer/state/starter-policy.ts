/** The untitled document the studio opens with: a complete, valid policy to start from. */
export const STARTER_POLICY = `# A new sandbox policy. Open an existing one with Ctrl+O, or put your program in target.command.
# Then: F5 Learn records the syscalls it makes, "Allow observed" adds them to the rules, and
# F6 Check runs it under the policy, until it runs cleanly. New to sandboxing? Lessons
# (Shift+Alt+G, or the toolbar) walks through eight exercises on real programs.
version: 1
name: New policy

target:
  command: [/bin/true]

linux:
  no_new_privs: true
  seccomp:
    arch: [x86_64]
    default: kill-process # anything no rule lists kills the process with SIGSYS
    rules: []
`;
