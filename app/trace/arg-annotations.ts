import { z } from 'zod';

/**
 * What the supervisor could add to a `syscall` or `denied` event at notification time, when it
 * reads the target's memory (pidfd + process_vm_readv / /proc/PID/mem, checked with
 * SECCOMP_IOCTL_NOTIF_ID_VALID) and its fd table (/proc/PID/fd): keyed by argument index.
 *
 * - `strings`: NUL-terminated strings the argument points at (paths, names), cut at 4096 bytes.
 * - `fds`: what an fd argument refers to, as readlink(/proc/PID/fd/N) says
 *   (`/etc/passwd`, `socket:[1234]`, `pipe:[99]`, `anon_inode:[eventfd]`).
 *
 * Not part of app/trace/events.ts yet: the supervisor's owner adds `...ArgAnnotationFields` to
 * the syscall and denied events when the supervisor reads them. Until then these are absent and
 * the studio shows pointers and fd numbers.
 */
const ArgIndex = z.enum(['0', '1', '2', '3', '4', '5']);
const Annotation = z.string().max(4096);

export const ArgAnnotationFields = {
  strings: z.partialRecord(ArgIndex, Annotation).optional(),
  fds: z.partialRecord(ArgIndex, Annotation).optional(),
};
export const ArgAnnotations = z.object(ArgAnnotationFields);
export type ArgAnnotations = z.infer<typeof ArgAnnotations>;

/** The annotations an event carries, if it has valid ones (events parsed without them lose them). */
export function annotationsOf(event: object): ArgAnnotations {
  const parsed = ArgAnnotations.safeParse(event);
  return parsed.success ? parsed.data : {};
}
