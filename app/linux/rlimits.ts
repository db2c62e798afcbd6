import { RLIMIT } from './layer-constants';

/**
 * Resource limits as policies name them: RLIMIT_NOFILE is `nofile`. Names and numbers come from
 * the generated tables; what each limit counts is documentation (getrlimit(2)), kept here so the
 * editor can say it and the parser can tell sizes (`as: 1G`) from counts (`nofile: 64`).
 */

export type RlimitUnit = 'bytes' | 'count' | 'seconds' | 'microseconds' | 'nice' | 'priority';

interface RlimitDoc {
  readonly unit: RlimitUnit;
  readonly what: string;
}

const DOCS: Readonly<Record<string, RlimitDoc>> = {
  as: { unit: 'bytes', what: 'size of the virtual address space' },
  core: { unit: 'bytes', what: 'size of a core dump (0: none)' },
  cpu: { unit: 'seconds', what: 'CPU time; SIGXCPU at the soft limit, SIGKILL at the hard one' },
  data: { unit: 'bytes', what: 'size of the data segment and heap' },
  fsize: { unit: 'bytes', what: 'size of a file the process may write (SIGXFSZ beyond)' },
  locks: { unit: 'count', what: 'flock/fcntl locks (not enforced since Linux 2.4.25)' },
  memlock: { unit: 'bytes', what: 'memory locked into RAM (mlock)' },
  msgqueue: { unit: 'bytes', what: 'bytes in POSIX message queues of the real user' },
  nice: { unit: 'nice', what: 'nice ceiling: the process may raise its priority to 20 - value' },
  nofile: { unit: 'count', what: 'highest file descriptor number + 1 (0: open nothing new)' },
  nproc: {
    unit: 'count',
    what: 'processes/threads of the real user id (0: no fork; root is exempt)',
  },
  rss: { unit: 'bytes', what: 'resident set size (not enforced by Linux)' },
  rtprio: { unit: 'priority', what: 'real-time priority ceiling' },
  rttime: { unit: 'microseconds', what: 'CPU time under a real-time policy without blocking' },
  sigpending: { unit: 'count', what: 'signals queued to the real user' },
  stack: { unit: 'bytes', what: 'size of the main thread stack' },
};

/** The policy's names (`nofile`, `as`, …), sorted. */
export const RLIMIT_NAMES: readonly string[] = [...RLIMIT.keys()]
  .map((macro) => macro.slice('RLIMIT_'.length).toLowerCase())
  .sort();

/** RLIMIT_* number of a policy name, or undefined. */
export function rlimitResource(name: string): number | undefined {
  return RLIMIT.get(`RLIMIT_${name.toUpperCase()}`);
}

/** What a limit counts; `count` for a name the headers added after this list was written. */
export function rlimitUnit(name: string): RlimitUnit {
  return Object.hasOwn(DOCS, name) ? DOCS[name]!.unit : 'count';
}

const UNIT_TEXT: Readonly<Record<RlimitUnit, string>> = {
  bytes: 'in bytes; K, M, G, T suffixes (powers of 1024) allowed, e.g. 64M',
  count: 'a count',
  seconds: 'in seconds',
  microseconds: 'in microseconds',
  nice: 'from 0 to 40',
  priority: 'from 0 to 99',
};

export function rlimitDescription(name: string): string {
  const doc = Object.hasOwn(DOCS, name) ? DOCS[name] : undefined;
  const macro = `RLIMIT_${name.toUpperCase()}`;
  return doc ? `${macro}: ${doc.what}; ${UNIT_TEXT[doc.unit]}.` : `${macro}.`;
}

/** Whether the size suffixes (K, M, G, T) make sense for this limit. */
export function takesSizes(name: string): boolean {
  return rlimitUnit(name) === 'bytes';
}
