import { z } from 'zod';
import { ArgAnnotationFields } from './arg-annotations';
import { SandboxStateEvent, SelfSandboxEvent } from './self-sandbox-event';

/**
 * Events of a run, as the CLI prints them with --json (one per line) and as the UI receives them.
 * `t` is milliseconds since the run started; `args` are the six raw syscall arguments as hex strings.
 */
const base = { t: z.number().nonnegative() };
const proc = { pid: z.number().int(), tid: z.number().int() };
const syscallFields = {
  ...proc,
  name: z.string(),
  nr: z.number().int(),
  arch: z.string(),
  args: z.array(z.string()).length(6),
  // Paths and names the arguments point at, read from the target while the call waited.
  ...ArgAnnotationFields,
};

export const ExecEvent = z.object({
  type: z.literal('exec'),
  ...base,
  ...proc,
  path: z.string(),
  argv: z.array(z.string()),
});
/** A syscall the policy does not allow yet (learn mode), reported once per occurrence. */
export const SyscallEvent = z.object({
  type: z.literal('syscall'),
  ...base,
  ...syscallFields,
  /** What the policy as deployed would do with it (`kill-process`, `errno EPERM`). */
  action: z.string().optional(),
});
/**
 * A syscall the policy denies, with the action applied, e.g. `errno EACCES`. Check mode: the
 * supervisor decided it (`source` absent or `supervisor`). Enforce mode: the kernel did, and its
 * audit record says so (`source: audit`); such a record has no arguments (`args` is empty), names
 * the process only (`tid` = `pid`) and the action without its errno or data.
 */
export const DeniedEvent = z.object({
  type: z.literal('denied'),
  ...base,
  ...syscallFields,
  args: z.array(z.string()).refine((args) => args.length === 6 || args.length === 0, {
    message: 'six arguments, or none when the kernel audit record is the source',
  }),
  action: z.string(),
  source: z.enum(['supervisor', 'audit']).optional(),
});
export const SignalEvent = z.object({
  type: z.literal('signal'),
  ...base,
  pid: z.number().int(),
  signal: z.string(),
  reason: z.string().optional(),
});
export const ExitEvent = z.object({
  type: z.literal('exit'),
  ...base,
  pid: z.number().int(),
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
});
export const OutputEvent = z.object({
  type: z.enum(['stdout', 'stderr']),
  ...base,
  data: z.string(),
});
/** A process of the run, the first time the supervisor sees it (`ppid`: its parent). */
export const ProcessEvent = z.object({
  type: z.literal('process'),
  ...base,
  pid: z.number().int(),
  ppid: z.number().int(),
});
/** A thread other than a process's main thread, the first time the supervisor sees it. */
export const ThreadEvent = z.object({ type: z.literal('thread'), ...base, ...proc });
/**
 * Something went wrong in the studio or while applying a layer: `layer` and `errno` say what.
 * `warning`: the run goes on (a best-effort layer that could not be applied, no run cgroup).
 */
export const ErrorEvent = z.object({
  type: z.literal('error'),
  ...base,
  severity: z.enum(['error', 'warning']).optional(),
  message: z.string(),
  layer: z.string().optional(),
  errno: z.number().int().optional(),
  errnoName: z.string().optional(),
});

export const TraceEvent = z.discriminatedUnion('type', [
  ExecEvent,
  SyscallEvent,
  DeniedEvent,
  SignalEvent,
  ExitEvent,
  OutputEvent,
  ErrorEvent,
  ProcessEvent,
  ThreadEvent,
  SelfSandboxEvent,
  SandboxStateEvent,
]);

export type ExecEvent = z.infer<typeof ExecEvent>;
export type SyscallEvent = z.infer<typeof SyscallEvent>;
export type DeniedEvent = z.infer<typeof DeniedEvent>;
export type SignalEvent = z.infer<typeof SignalEvent>;
export type ExitEvent = z.infer<typeof ExitEvent>;
export type OutputEvent = z.infer<typeof OutputEvent>;
export type ErrorEvent = z.infer<typeof ErrorEvent>;
export type ProcessEvent = z.infer<typeof ProcessEvent>;
export type ThreadEvent = z.infer<typeof ThreadEvent>;
export type { SandboxStateEvent, SelfSandboxEvent } from './self-sandbox-event';
export type TraceEvent = z.infer<typeof TraceEvent>;
export type TraceEventType = TraceEvent['type'];
