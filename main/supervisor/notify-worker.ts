/**
 * The notification loop, in a worker thread so the main thread stays free for the UI and I/O.
 * Synchronous koffi calls (poll, RECV, SEND) are the fastest path measured on these machines.
 * The worker shares the process's fd table, so it uses the listener fd the main thread took.
 * It never closes that fd: the main thread does, after the worker has ended.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decideNotification, type NotificationDecision } from '../../app/supervision/decide';
import type { BpfProgram, SeccompData } from '../../app/bpf/program';
import { POLL } from '../../app/linux/constants';
import { errnoByName } from '../../app/linux/errno';
import { signalNumber } from '../../app/linux/signals';
import { archForAudit } from '../../app/linux/arches';
import { syscallName } from '../../app/linux/syscalls';
import { ALWAYS_NOTIFIED_REASONS, type NotifiedReason } from '../../app/bpf/supervise';
import type { TraceEvent } from '../../app/trace/events';
import { libc } from '../../native-bridge/linux/libc';
import {
  IOCTL,
  NOTIF,
  RESP,
  USER_NOTIF_FD_SYNC_WAKE_UP,
} from '../../native-bridge/linux/seccomp-abi';
import { readRemoteArgv, readRemoteString } from '../../native-bridge/linux/remote-memory';
import { threadIdentity } from '../../native-bridge/linux/proc';
import {
  captureSelfSandboxCall,
  finalSandboxState,
  selfSandboxEvent,
  type CapturedSelfSandboxCall,
} from './self-sandbox-observer';
import { fdArguments, stringArguments } from '../../app/trace/string-arguments';
import { fdTarget } from '../../native-bridge/linux/fd-target';
import { SyscallRecordWriter } from './syscall-records';
import type { NotifyWorkerData, WorkerMessage } from './worker-protocol';

const data = workerData as NotifyWorkerData;
const c = libc();
const stop = new Int32Array(data.stopFlag);
const program: BpfProgram = data.program;
const ENOENT = errnoByName('ENOENT')?.value;
const EINTR = errnoByName('EINTR')?.value;
const SIGSYS = signalNumber('SIGSYS');
const BATCH_MAX = 512;
const BATCH_MS = 25;

let batch: TraceEvent[] = [];
const records = new SyscallRecordWriter(BATCH_MAX);
let lastFlush = Date.now();
let notifications = 0;
let launcherExecSeen = false;

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

function now(): number {
  return Math.round((performance.timeOrigin + performance.now() - data.startEpochMs) * 1000) / 1000;
}

function flush(): void {
  if (records.length > 0) {
    const taken = records.take();
    parentPort?.postMessage({ kind: 'events', events: batch, records: taken } as WorkerMessage, [
      taken.meta.buffer,
      taken.args.buffer,
    ]);
  } else if (batch.length > 0) post({ kind: 'events', events: batch });
  batch = [];
  lastFlush = Date.now();
}

function emit(event: TraceEvent): void {
  batch.push(event);
  if (batch.length >= BATCH_MAX) flush();
}

function pending(): boolean {
  return batch.length > 0 || records.length > 0;
}

function seccompDataOf(buf: Buffer): SeccompData {
  const args = [0, 1, 2, 3, 4, 5].map((i) => buf.readBigUInt64LE(NOTIF.args + 8 * i));
  return {
    nr: buf.readInt32LE(NOTIF.nr),
    arch: buf.readUInt32LE(NOTIF.arch),
    instructionPointer: buf.readBigUInt64LE(NOTIF.ip),
    args: args as unknown as SeccompData['args'],
  };
}

const resp = Buffer.alloc(RESP.size);
/** Replies to the notification in `notif`; its id is copied as bytes, never made a BigInt. */
function reply(notif: Buffer, error: number, continueSyscall: boolean): void {
  resp.fill(0);
  notif.copy(resp, RESP.id, NOTIF.id, NOTIF.id + 8);
  resp.writeInt32LE(-error, RESP.error);
  resp.writeUInt32LE(continueSyscall ? 1 : 0, RESP.flags);
  if (c.ioctl(data.listenerFd, IOCTL.send, resp) < 0) {
    const errno = c.lastErrno();
    // ENOENT: the task died or was interrupted while we decided; nothing is waiting any more.
    if (errno !== ENOENT)
      post({ kind: 'warning', message: `SECCOMP_IOCTL_NOTIF_SEND failed: errno ${errno}` });
  }
}

const idBuf = Buffer.alloc(8);
function stillValid(notif: Buffer): boolean {
  notif.copy(idBuf, 0, NOTIF.id, NOTIF.id + 8);
  return c.ioctl(data.listenerFd, IOCTL.idValid, idBuf) === 0;
}

/**
 * What the supervisor knows about one syscall of one ABI, looked up once: why it is always
 * notified (if it is), and the decision when the deployed filter does not look at arguments.
 */
interface SyscallInfo {
  readonly name: string | undefined;
  /** Arguments that point at paths or names, read while the call waits. */
  readonly strings: readonly number[];
  /** Descriptor arguments, resolved through /proc while the call waits. */
  readonly fds: readonly number[];
  readonly reason: NotifiedReason | undefined;
  readonly execveat: boolean;
  decision: NotificationDecision | undefined;
}

const infoByArch = new Map<number, Map<number, SyscallInfo>>();

function syscallInfo(auditArch: number, nr: number): SyscallInfo {
  let byNr = infoByArch.get(auditArch);
  if (!byNr) infoByArch.set(auditArch, (byNr = new Map()));
  let info = byNr.get(nr);
  if (!info) {
    const arch = archForAudit(auditArch, nr);
    const name = arch ? syscallName(arch, nr) : undefined;
    const reason = name === undefined ? undefined : ALWAYS_NOTIFIED_REASONS[name];
    info = {
      name,
      strings: name === undefined ? [] : stringArguments(name),
      fds: name === undefined ? [] : fdArguments(name),
      reason,
      execveat: name === 'execveat',
      decision: undefined,
    };
    byNr.set(nr, info);
  }
  return info;
}

const processOf = new Map<number, number>();

/**
 * The process of a thread. The first notification of a thread reads /proc once: a new process is
 * reported with its parent, a new thread of a known process as a thread (the process tree).
 * Thread ids are not reused before the pid space wraps, far beyond one run.
 */
function identify(tid: number): number {
  const known = processOf.get(tid);
  if (known !== undefined) return known;
  const identity = threadIdentity(tid);
  if (!identity) return tid; // gone already: do not remember, the id may be reused
  const pid = identity.tgid;
  if (!processOf.has(pid)) {
    processOf.set(pid, pid);
    emit({ type: 'process', t: now(), pid, ppid: identity.ppid });
  }
  processOf.set(tid, pid);
  if (pid !== tid) emit({ type: 'thread', t: now(), pid, tid });
  return pid;
}

function execEvent(tid: number, pid: number, notif: Buffer, execveat: boolean): void {
  if (!launcherExecSeen && tid === data.launcherPid) {
    launcherExecSeen = true;
    emit({ type: 'exec', t: now(), pid, tid, path: data.targetPath, argv: [...data.targetArgv] });
    return;
  }
  // execveat's path and argv are one argument further along.
  const shift = execveat ? 1 : 0;
  const sd = seccompDataOf(notif);
  const path = readRemoteString(c, tid, sd.args[shift] ?? 0n);
  const argv = readRemoteArgv(c, tid, sd.args[shift + 1] ?? 0n);
  if (!stillValid(notif)) return; // the pid may have been reused while we read its memory
  emit({ type: 'exec', t: now(), pid, tid, path: path ?? '?', argv: argv ?? [] });
}

/**
 * exit_group: every process's final sandbox state, read while all its threads still exist; and
 * for a process the session did not start, its exit status for the process tree (the session
 * reports the first process's exit itself, with the signal if one killed it).
 */
function exitEvents(pid: number, notif: Buffer): void {
  const final = finalSandboxState(pid, now(), () => stillValid(notif));
  // Threads that made only allowed calls and are still running now end with the process without
  // an exit call of their own: they are seen here, once, so the process tree has them.
  for (const event of final) {
    if (event.type !== 'sandbox-state') continue;
    for (const thread of event.threads) {
      if (thread.tid === pid || processOf.has(thread.tid)) continue;
      processOf.set(thread.tid, pid);
      emit({ type: 'thread', t: event.t, pid, tid: thread.tid });
    }
  }
  for (const event of final) emit(event);
  if (pid === data.launcherPid) return;
  const code = notif.readUInt32LE(NOTIF.args) & 0xff;
  emit({ type: 'exit', t: now(), pid, code, signal: null });
}

/** Before the reply: what a self-sandboxing call points to, copied while the target waits. */
function captureSelfSandbox(
  tid: number,
  pid: number,
  notif: Buffer,
): CapturedSelfSandboxCall | undefined {
  const site = { t: now(), pid, tid, data: seccompDataOf(notif) };
  return captureSelfSandboxCall(c, site, () => stillValid(notif));
}

/** Longest path or name read from the target (PATH_MAX). */
const MAX_STRING = 4096;

type ArgTexts = Partial<Record<'0' | '1' | '2' | '3' | '4' | '5', string>>;

/**
 * Reads the strings the event's arguments point at and what its descriptor arguments refer to,
 * before the reply lets the target go on and change them; dropped if the notification is no
 * longer valid (the tid may have been reused meanwhile).
 */
/**
 * Descriptors already resolved, per process, by syscall and number. Resolving costs a readlink
 * of /proc/PID/fd/N (≈ 6 µs); resolving every call, or again after every open and close, made
 * learn mode ≈ 50 % slower on file-heavy programs (find: +1.2 s over 173,000 calls). So a
 * descriptor is resolved the first time a process passes that number to that syscall, and again
 * after the process execs. A call that is not resolved shows the number only: a target shown is
 * always what the descriptor referred to at that call, never a stale one. Denials in check mode
 * are always resolved.
 */
const resolvedDescriptors = new Map<number, Set<string>>();
const MAX_RESOLVED_PER_PROCESS = 10_000;

function noteDescriptorChanges(pid: number, info: SyscallInfo): void {
  if (info.reason === 'exec') resolvedDescriptors.delete(pid);
}

function shouldResolve(pid: number, nr: number, fd: number, denied: boolean): boolean {
  if (denied) return true;
  let seen = resolvedDescriptors.get(pid);
  if (!seen) resolvedDescriptors.set(pid, (seen = new Set()));
  const key = `${nr}:${fd}`;
  if (seen.has(key)) return false;
  if (seen.size >= MAX_RESOLVED_PER_PROCESS) seen.clear();
  seen.add(key);
  return true;
}

function annotateArguments(
  tid: number,
  pid: number,
  buf: Buffer,
  info: SyscallInfo,
  denied: boolean,
): void {
  let strings: ArgTexts | undefined;
  let fds: ArgTexts | undefined;
  for (const index of info.strings) {
    const address = buf.readBigUInt64LE(NOTIF.args + 8 * index);
    const text = address === 0n ? null : readRemoteString(c, tid, address, MAX_STRING);
    if (text !== null) (strings ??= {})[String(index) as '0'] = text;
  }
  const nr = buf.readInt32LE(NOTIF.nr);
  for (const index of info.fds) {
    const fd = buf.readInt32LE(NOTIF.args + 8 * index);
    if (fd < 0 || !shouldResolve(pid, nr, fd, denied)) continue;
    const target = fdTarget(tid, fd);
    if (target !== null) (fds ??= {})[String(index) as '0'] = target;
  }
  if ((strings || fds) && stillValid(buf)) records.annotateLast(strings, fds);
}

function handle(buf: Buffer): void {
  notifications += 1;
  const tid = buf.readUInt32LE(NOTIF.pid);
  const nr = buf.readInt32LE(NOTIF.nr);
  const arch = buf.readUInt32LE(NOTIF.arch);
  const pid = identify(tid);
  const info = syscallInfo(arch, nr);
  if (
    data.faultInjection?.crashWorkerOn !== undefined &&
    info.name === data.faultInjection.crashWorkerOn
  ) {
    throw new Error(`fault injection: crashed on ${info.name}`);
  }
  // The launcher's own calls between its filter and its execve (deferred rlimits) are ours.
  if (!launcherExecSeen && tid === data.launcherPid && info.reason !== 'exec') {
    return reply(buf, 0, true);
  }
  noteDescriptorChanges(pid, info);
  let decision = info.decision;
  if (!decision) {
    decision = decideNotification(data.mode, program, seccompDataOf(buf));
    if (decision.argumentFree) info.decision = decision;
  }
  if (decision.event !== 'none') {
    records.add(
      {
        t: now(),
        pid,
        tid,
        nr,
        arch,
        denied: decision.event === 'denied',
        action: decision.action,
      },
      buf,
      NOTIF.args,
    );
    if (info.strings.length > 0 || info.fds.length > 0) {
      annotateArguments(tid, pid, buf, info, decision.event === 'denied');
    }
    if (records.full) flush();
  }
  // A call the policy denies in check mode never takes effect: its denial is the event.
  let selfSandbox: CapturedSelfSandboxCall | undefined;
  if (decision.reply.kind === 'continue') {
    if (info.reason === 'exec') execEvent(tid, pid, buf, info.execveat);
    else if (info.reason === 'exit') exitEvents(pid, buf);
    else if (info.reason === 'self-sandbox') selfSandbox = captureSelfSandbox(tid, pid, buf);
  }
  if (decision.signal && SIGSYS !== undefined) {
    const sent =
      decision.signal.scope === 'process' ? c.kill(pid, SIGSYS) : c.tgkill(pid, tid, SIGSYS);
    if (sent === 0) {
      emit({
        type: 'signal',
        t: now(),
        pid,
        signal: 'SIGSYS',
        reason: `${decision.action} (sent by the supervisor in check mode)`,
      });
    }
  }
  if (decision.reply.kind === 'continue') reply(buf, 0, true);
  else reply(buf, decision.reply.errno, false);
  // Decompiling is the slow part: only after the target runs on again.
  if (selfSandbox) emit(selfSandboxEvent(selfSandbox));
}

function loop(): void {
  if (c.ioctlValue(data.listenerFd, IOCTL.setFlags, USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
    post({
      kind: 'info',
      message: 'SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP is not available on this kernel',
    });
  }
  const pollfd = Buffer.alloc(8);
  pollfd.writeInt32LE(data.listenerFd, 0);
  pollfd.writeInt16LE(POLL.POLLIN, 4);
  const notif = Buffer.alloc(NOTIF.size);
  while (Atomics.load(stop, 0) === 0) {
    pollfd.writeInt16LE(0, 6);
    // Wake up in time to deliver a pending batch within BATCH_MS; otherwise idle-wait longer.
    const timeout = pending() ? Math.max(1, BATCH_MS - (Date.now() - lastFlush)) : 100;
    const ready = c.poll(pollfd, 1, timeout);
    if (ready < 0) {
      if (c.lastErrno() === EINTR) continue;
      throw new Error(`poll on the seccomp listener failed: errno ${c.lastErrno()}`);
    }
    if (ready > 0) {
      const revents = pollfd.readInt16LE(6);
      if (revents & POLL.POLLIN) {
        notif.fill(0); // the kernel rejects a RECV buffer that is not zeroed
        if (c.ioctl(data.listenerFd, IOCTL.recv, notif) === 0) handle(notif);
        else if (c.lastErrno() !== ENOENT && c.lastErrno() !== EINTR) {
          throw new Error(`SECCOMP_IOCTL_NOTIF_RECV failed: errno ${c.lastErrno()}`);
        }
      } else if (revents & (POLL.POLLHUP | POLL.POLLERR)) {
        break; // every task using the filter has exited
      }
    }
    if (Date.now() - lastFlush >= BATCH_MS) flush();
  }
}

try {
  loop();
  flush();
  post({ kind: 'done', notifications });
} catch (error) {
  flush();
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
