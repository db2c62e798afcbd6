import type { TraceEvent } from '../app/trace/events';

const ARGS = ['0x0', '0x1', '0x2', '0x3', '0x4', '0x5'];

/** Trace events for tests, in the shapes of app/trace/events. */
export const testEvents = {
  exec: (t = 0, pid = 100): TraceEvent => ({
    type: 'exec',
    t,
    pid,
    tid: pid,
    path: '/bin/ls',
    argv: ['/bin/ls', '/'],
  }),
  syscall: (name: string, t = 1, pid = 100): TraceEvent => ({
    type: 'syscall',
    t,
    pid,
    tid: pid,
    name,
    nr: 0,
    arch: 'x86_64',
    args: ARGS,
  }),
  denied: (name: string, action: string, t = 1, pid = 100): TraceEvent => ({
    type: 'denied',
    t,
    pid,
    tid: pid,
    name,
    nr: 0,
    arch: 'x86_64',
    args: ARGS,
    action,
  }),
  stdout: (data: string, t = 2): TraceEvent => ({ type: 'stdout', t, data }),
  exit: (code: number | null, signal: string | null = null, t = 3, pid = 100): TraceEvent => ({
    type: 'exit',
    t,
    pid,
    code,
    signal,
  }),
};
