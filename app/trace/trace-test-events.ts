import type { TraceEvent } from './events';

const ARGS = ['0x0', '0x1', '0x2', '0x3', '0x4', '0x5'];

/** Trace events for app/trace tests. */
export const te = {
  exec: (t: number, pid: number, path = '/bin/ls'): TraceEvent => ({
    type: 'exec',
    t,
    pid,
    tid: pid,
    path,
    argv: [path],
  }),
  syscall: (name: string, t: number, pid: number, tid = pid): TraceEvent => ({
    type: 'syscall',
    t,
    pid,
    tid,
    name,
    nr: 0,
    arch: 'x86_64',
    args: ARGS,
  }),
  denied: (name: string, action: string, t: number, pid: number, tid = pid): TraceEvent => ({
    type: 'denied',
    t,
    pid,
    tid,
    name,
    nr: 0,
    arch: 'x86_64',
    args: ARGS,
    action,
  }),
  stdout: (data: string, t: number): TraceEvent => ({ type: 'stdout', t, data }),
  exit: (
    t: number,
    pid: number,
    code: number | null,
    signal: string | null = null,
  ): TraceEvent => ({
    type: 'exit',
    t,
    pid,
    code,
    signal,
  }),
  process: (t: number, pid: number, ppid: number): TraceEvent => ({
    type: 'process',
    t,
    pid,
    ppid,
  }),
  error: (message: string, t: number, severity?: 'warning'): TraceEvent => ({
    type: 'error',
    t,
    message,
    ...(severity ? { severity } : {}),
  }),
};
