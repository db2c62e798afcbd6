import { SYSCALL_PARAMS } from './syscall-params';

/**
 * Parameters that point at a NUL-terminated string the kernel reads (paths and names), by the
 * names the man pages give them. The supervisor reads these from the target's memory while the
 * syscall waits, so an event can show `"/etc/passwd"` instead of a pointer.
 */
const STRING_PARAMETERS: ReadonlySet<string> = new Set([
  'pathname',
  'filename',
  'oldpath',
  'newpath',
  'linkpath',
  'target',
  'source',
  'filesystemtype',
  'name',
]);

const cache = new Map<string, readonly number[]>();

/** The argument indexes of `syscall` that are strings to read; empty when it has none or is unknown. */
export function stringArguments(syscall: string): readonly number[] {
  let indexes = cache.get(syscall);
  if (!indexes) {
    indexes = (SYSCALL_PARAMS[syscall] ?? []).flatMap((param, i) =>
      STRING_PARAMETERS.has(param.name) ? [i] : [],
    );
    cache.set(syscall, indexes);
  }
  return indexes;
}

/** Parameters that are file descriptors of the calling process, by their man-page names. */
const FD_PARAMETERS: ReadonlySet<string> = new Set([
  'fd',
  'dirfd',
  'olddirfd',
  'newdirfd',
  'oldfd',
  'sockfd',
  'epfd',
  'fd_in',
  'fd_out',
  'in_fd',
  'out_fd',
  'pidfd',
  'ruleset_fd',
]);

const fdCache = new Map<string, readonly number[]>();

/** The argument indexes of `syscall` that are file descriptors to resolve (/proc/PID/fd/N). */
export function fdArguments(syscall: string): readonly number[] {
  let indexes = fdCache.get(syscall);
  if (!indexes) {
    indexes = (SYSCALL_PARAMS[syscall] ?? []).flatMap((param, i) =>
      FD_PARAMETERS.has(param.name) ? [i] : [],
    );
    fdCache.set(syscall, indexes);
  }
  return indexes;
}
