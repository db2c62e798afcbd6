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
