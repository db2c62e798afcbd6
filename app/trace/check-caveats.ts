import type { RunMode } from '../api/contract';

/**
 * Where check mode's emulation of an action differs from what the kernel does when the policy is
 * deployed (enforce mode shows the real thing). The supervisor answers a notification with an
 * errno or CONTINUE and can send signals; it cannot make the kernel's own kill or trap.
 */
const CHECK_CAVEATS: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^kill-process$/,
    'kill-process in check mode: the supervisor fails the syscall with ENOSYS and sends SIGSYS with kill(); a program that handles or blocks SIGSYS survives it, which the kernel would not allow',
  ],
  [
    /^kill-thread$/,
    'kill-thread in check mode: the supervisor sends SIGSYS to the thread, whose default action ends the whole process; the kernel would end only that thread',
  ],
  [
    /^trap/,
    'trap in check mode: the SIGSYS handler runs, but its siginfo has no si_syscall, si_arch or si_call_addr (the kernel fills them) and the syscall returned ENOSYS before the signal',
  ],
  [
    /^log$/,
    'log in check mode: the syscall runs and is reported here, but nothing is written to the kernel audit log',
  ],
];

/** The differences that apply to the actions a check run used, once each. */
export function checkModeCaveats(mode: RunMode, actions: Iterable<string>): string[] {
  if (mode !== 'check') return [];
  const used = [...new Set(actions)];
  return CHECK_CAVEATS.filter(([pattern]) => used.some((a) => pattern.test(a))).map(
    ([, text]) => text,
  );
}
