import { actionReturnValue } from '../../app/bpf/actions';
import { returnValueName } from '../../app/bpf/disasm-text';
import { errnoByValue } from '../../app/linux/errno';
import { isActionError, parseAction, type ActionKind } from '../../app/policy/actions';

/** What each seccomp action does to the syscall and the process, as the kernel documents it. */
const EFFECT: Readonly<Record<ActionKind, string>> = {
  'kill-process':
    'The whole process is killed by SIGSYS (it dumps core); the syscall does not run.',
  'kill-thread':
    'Only the calling thread is killed by SIGSYS; other threads go on. The syscall does not run.',
  trap: 'The thread gets SIGSYS instead of running the syscall; a handler sees N in si_errno and can emulate it.',
  errno: 'The syscall fails with this error without running.',
  trace:
    'A ptrace tracer is told (PTRACE_EVENT_SECCOMP, with N) and may change or skip the syscall; without a tracer it fails with ENOSYS.',
  log: 'The syscall runs, and the kernel logs it (audit).',
  allow: 'The syscall runs.',
  notify:
    'A supervisor decides: the syscall waits until it answers through the seccomp user-notification fd (how learn and check runs watch).',
};

/** Markdown lines about an action as written (`errno EACCES`, `trap 3`, `allow`, or `errno` alone). */
export function actionHoverLines(text: string): string[] {
  if (text === 'errno') return [`**errno** — ${EFFECT.errno}`];
  const action = parseAction(text);
  if (isActionError(action)) return [];
  const ret = actionReturnValue(action);
  const lines = [`**${text}** — ${EFFECT[action.kind]}`];
  if (action.kind === 'errno') {
    const info = errnoByValue(action.errno);
    if (info) lines.push(`${info.name} = ${info.value}: ${info.description}`);
  }
  lines.push(
    `Filter return value: \`${returnValueName(ret)}\` (0x${ret.toString(16).padStart(8, '0')})`,
  );
  return lines;
}
