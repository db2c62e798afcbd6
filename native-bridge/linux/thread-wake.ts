import koffi from 'koffi';
import { syscallNumber } from '../../app/linux/syscalls';
import { libc } from './libc';

/**
 * Waking one thread out of a blocking system call (the notification worker's
 * SECCOMP_IOCTL_NOTIF_RECV, which only a new notification, the filter's last task going away, or
 * a signal ends). The wake signal is a real-time signal whose handler does nothing and is
 * installed without SA_RESTART, so the interrupted call returns EINTR instead of being restarted
 * (every handler Node installs uses SA_RESTART, so none of theirs can serve).
 *
 * The handler is a native function, never JavaScript: glibc's `abs`, a pure function whose
 * `int (int)` signature is call-compatible with a `void (int)` handler on x86_64. The signal is
 * chosen from the top of the real-time range, skipping any that already has a handler.
 */
export interface ThreadWake {
  /** The signal to send with `wakeThread`. */
  readonly signal: number;
  /** The calling thread's id (gettid). */
  readonly tid: number;
}

interface WakeBindings {
  readonly signalFn: (signal: number, handler: unknown) => unknown;
  readonly siginterrupt: (signal: number, flag: number) => number;
  readonly sigrelse: (signal: number) => number;
  readonly sigrtmin: () => number;
  readonly sigrtmax: () => number;
  readonly gettid: () => number;
  readonly handler: unknown;
}

let bindings: WakeBindings | undefined;
/** The signal this process uses, once chosen (the handler is process-wide). */
let chosen: number | undefined;
/** How far below SIGRTMAX to look for a free signal. */
const CANDIDATES = 8;

function bind(): WakeBindings {
  if (bindings) return bindings;
  const lib = koffi.load('libc.so.6');
  const dlsym = lib.func('void *dlsym(void *, const char *)');
  // RTLD_DEFAULT is the null handle: the first `abs` in the global lookup scope (glibc's).
  const handler: unknown = dlsym(null, 'abs');
  if (!handler) throw new Error('cannot find abs() in libc for the wake-up signal handler');
  const signalFn = lib.func('void *signal(int, void *)');
  const siginterrupt = lib.func('int siginterrupt(int, int)');
  const sigrelse = lib.func('int sigrelse(int)');
  const sigrtmin = lib.func('int __libc_current_sigrtmin()');
  const sigrtmax = lib.func('int __libc_current_sigrtmax()');
  const syscall1 = lib.func('syscall', 'long', ['long']);
  // Through syscall(): glibc's gettid() wrapper is newer (2.30) than some systems' glibc.
  const nrGettid = syscallNumber('x86_64', 'gettid');
  if (nrGettid === undefined) throw new Error('gettid is missing from the generated syscall table');
  bindings = {
    signalFn: (signal, fn) => signalFn(signal, fn),
    siginterrupt: (signal, flag) => siginterrupt(signal, flag) as number,
    sigrelse: (signal) => sigrelse(signal) as number,
    sigrtmin: () => sigrtmin() as number,
    sigrtmax: () => sigrtmax() as number,
    gettid: () => Number(syscall1(nrGettid)),
    handler,
  };
  return bindings;
}

function sameFunction(a: unknown, b: unknown): boolean {
  return a !== null && b !== null && koffi.address(a) === koffi.address(b);
}

/** Installs the no-op handler on the first free candidate signal; returns the signal. */
function chooseSignal(b: WakeBindings): number {
  if (chosen !== undefined) return chosen;
  const low = b.sigrtmin();
  for (let signal = b.sigrtmax(); signal > b.sigrtmax() - CANDIDATES && signal >= low; signal--) {
    const previous = b.signalFn(signal, b.handler);
    const free = previous === null || sameFunction(previous, b.handler);
    if (!free) {
      b.signalFn(signal, previous); // someone else's: put it back
      continue;
    }
    if (b.siginterrupt(signal, 1) !== 0) throw new Error(`siginterrupt(${signal}) failed`);
    chosen = signal;
    return signal;
  }
  throw new Error('no free real-time signal for waking the notification worker');
}

/**
 * Makes the calling thread wakeable: installs the handler (once per process) and unblocks the
 * signal in this thread. Call it on the thread that will block.
 */
export function prepareThreadWake(): ThreadWake {
  const b = bind();
  const signal = chooseSignal(b);
  if (b.sigrelse(signal) !== 0) throw new Error(`cannot unblock signal ${signal} in this thread`);
  return { signal, tid: b.gettid() };
}

/**
 * Interrupts `wake.tid` (a thread of this process) if it is blocked in a system call; a thread
 * running code just runs the empty handler. False if the thread is gone.
 */
export function wakeThread(wake: ThreadWake): boolean {
  return libc().tgkill(process.pid, wake.tid, wake.signal) === 0;
}
