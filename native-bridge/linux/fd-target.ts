import koffi from 'koffi';

/**
 * What a descriptor of a process refers to, as readlink(/proc/PID/fd/N) says (`/etc/passwd`,
 * `socket:[1234]`, `pipe:[99]`, `anon_inode:[eventfd]`). Called for every descriptor argument of
 * every reported syscall, so it goes through libc directly with one reused buffer.
 */
let readlink: ((path: string, buffer: Buffer, size: number) => number) | undefined;
const target = Buffer.alloc(4096);

export function fdTarget(pid: number, fd: number): string | null {
  if (!Number.isInteger(fd) || fd < 0 || fd > 1 << 24) return null;
  if (!readlink) {
    const lib = koffi.load('libc.so.6');
    const bound = lib.func('long readlink(const char *, void *, unsigned long)');
    readlink = (path, buffer, size) => Number(bound(path, buffer, size));
  }
  const n = readlink(`/proc/${pid}/fd/${fd}`, target, target.length);
  return n > 0 ? target.toString('utf8', 0, n) : null;
}
