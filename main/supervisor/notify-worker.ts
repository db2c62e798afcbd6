/**
 * The notification loop, in a worker thread so the main thread stays free for the UI and I/O.
 * Synchronous koffi calls are the fastest path measured on these machines. The worker shares the
 * process's fd table, so it uses the listener fd the main thread took; it never closes that fd:
 * the main thread does, after the worker has ended.
 *
 * The worker is started ahead of its run (it loads while the launcher does, or earlier from the
 * warm pool) and waits for `start`; after a clean run it waits for the next one. The loop blocks
 * in SECCOMP_IOCTL_NOTIF_RECV itself, with no poll() before each call: one system call less on
 * the target's critical path for every notification (≈ 1 µs of the ≈ 6 µs round trip here).
 * RECV returns ENOENT once no task uses the filter any more, and EINTR when the session wakes
 * this thread (thread-wake.ts): to stop, or to send the events it holds once the target has gone
 * quiet (the loop cannot look at a clock while it is blocked). Events go to the main thread in
 * batches of typed arrays; when the main thread falls too far behind, the loop waits for it.
 */
import { parentPort } from 'node:worker_threads';
import { decideNotification, type NotificationDecision } from '../../app/supervision/decide';
import type { BpfProgram, SeccompData } from '../../app/bpf/program';
import { POLL, SECCOMP } from '../../app/linux/constants';
import { errnoByName } from '../../app/linux/errno';
import { signalNumber } from '../../app/linux/signals';
import { archForAudit } from '../../app/linux/arches';
import { syscallName } from '../../app/linux/syscalls';
import { ALWAYS_NOTIFIED_REASONS, type NotifiedReason } from '../../app/bpf/supervise';
import type { TraceEvent } from '../../app/trace/events';
import { libc, type Libc } from '../../native-bridge/linux/libc';
import {
  IOCTL,
  NOTIF,
  RESP,
  USER_NOTIF_FD_SYNC_WAKE_UP,
} from '../../native-bridge/linux/seccomp-abi';
import { readRemoteArgv, readRemoteString } from '../../native-bridge/linux/remote-memory';
import { RemoteStringReader } from '../../native-bridge/linux/remote-string-reader';
import { threadIdentity } from '../../native-bridge/linux/proc';
import { prepareThreadWake } from '../../native-bridge/linux/thread-wake';
import {
  captureSelfSandboxCall,
  finalSandboxState,
  selfSandboxEvent,
  type CapturedSelfSandboxCall,
} from './self-sandbox-observer';
import { fdArguments, stringArguments } from '../../app/trace/string-arguments';
import { fdTarget } from '../../native-bridge/linux/fd-target';
import { NOTE_KIND, SyscallRecordWriter, transferablesOf } from './syscall-records';
import {
  CONTROL,
  MAX_BATCHES_IN_FLIGHT,
  type NotifyWorkerData,
  type ToWorkerMessage,
  type WorkerMessage,
} from './worker-protocol';

function requireErrno(name: string): number {
  const value = errnoByName(name)?.value;
  if (value === undefined) throw new Error(`${name} is missing from the generated errno table`);
  return value;
}

const ENOENT = requireErrno('ENOENT');
const EINTR = requireErrno('EINTR');
const SIGSYS = signalNumber('SIGSYS');
const BATCH_MAX = 512;
const BATCH_MS = 25;
/** How long one wait for the session to catch up lasts before the stop flag is looked at again. */
const ROOM_WAIT_MS = 50;
/** Mask: the loop looks at the clock once every 64 notifications. */
const CLOCK_EVERY = 63;
/** Longest path or name read from the target (PATH_MAX). */
const MAX_STRING = 4096;
/**
 * Descriptors already resolved, per process, by syscall and number. Resolving costs a readlink
 * of /proc/PID/fd/N (≈ 6 µs); resolving every call, or again after every open and close, made
 * learn mode ≈ 50 % slower on file-heavy programs (find: +1.2 s over 173,000 calls). So a
 * descriptor is resolved the first time a process passes that number to that syscall, and again
 * after the process execs. A call that is not resolved shows the number only: a target shown is
 * always what the descriptor referred to at that call, never a stale one. Denials in check mode
 * are always resolved.
 */
const MAX_RESOLVED_PER_PROCESS = 10_000;
/** Descriptors at or above this are not resolved (fdTarget's own limit). */
const FD_KEY_SPAN = 2 ** 24;
/** Syscall numbers below this are cached in an array (x86_64's are below 1024). */
const MAX_DENSE_NR = 4096;

function post(message: WorkerMessage, transfer?: ArrayBuffer[]): void {
  parentPort?.postMessage(message, transfer);
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

function lookUpSyscall(auditArch: number, nr: number): SyscallInfo {
  const arch = archForAudit(auditArch, nr);
  const name = arch ? syscallName(arch, nr) : undefined;
  return {
    name,
    strings: name === undefined ? [] : stringArguments(name),
    fds: name === undefined ? [] : fdArguments(name),
    reason: name === undefined ? undefined : ALWAYS_NOTIFIED_REASONS[name],
    execveat: name === 'execveat',
    decision: undefined,
  };
}

/** One run's notifications, from `start` until no task uses the filter (or a stop request). */
class Supervision {
  private readonly c: Libc = libc();
  private readonly control: Int32Array;
  private readonly program: BpfProgram;
  /** The notification being handled, and views of it (x86_64 is little-endian). */
  private readonly notif = Buffer.alloc(NOTIF.size);
  private readonly n32 = new Uint32Array(this.notif.buffer, this.notif.byteOffset, NOTIF.size / 4);
  private readonly resp = Buffer.alloc(RESP.size);
  private readonly r32 = new Uint32Array(this.resp.buffer, this.resp.byteOffset, RESP.size / 4);
  private readonly idBuf = Buffer.alloc(8);
  private readonly id32 = new Uint32Array(this.idBuf.buffer, this.idBuf.byteOffset, 2);
  private readonly strings: RemoteStringReader;
  private batch: TraceEvent[] = [];
  private readonly records = new SyscallRecordWriter(BATCH_MAX);
  private lastFlush = performance.now();
  private notifications = 0;
  private launcherExecSeen = false;
  private readonly infoByArch = new Map<number, SyscallInfo[]>();
  private readonly sparseInfo = new Map<string, SyscallInfo>();
  /** The arch of the last notification and its table: nearly every notification has the same. */
  private lastArch = -1;
  private lastArchInfo: SyscallInfo[] = [];
  /** The thread of the last notification and its process: consecutive ones mostly share them. */
  private lastTid = -1;
  private lastPid = -1;
  private readonly processOf = new Map<number, number>();
  /** Per process: `nr · 2²⁴ + fd` of every descriptor resolved (fds from 2²⁴ up are not). */
  private readonly resolvedDescriptors = new Map<number, Set<number>>();
  private readonly crashOn: string | undefined;

  constructor(private readonly data: NotifyWorkerData) {
    this.control = new Int32Array(data.control);
    this.program = data.program;
    this.strings = new RemoteStringReader(this.c, MAX_STRING);
    this.crashOn = data.faultInjection?.crashWorkerOn;
  }

  private now(): number {
    return (
      Math.round((performance.timeOrigin + performance.now() - this.data.startEpochMs) * 1000) /
      1000
    );
  }

  flush(): void {
    const records = this.records;
    if (records.length === 0 && this.batch.length === 0) return;
    this.awaitRoom();
    if (records.length > 0) {
      const taken = records.take();
      post({ kind: 'events', events: this.batch, records: taken }, transferablesOf(taken));
    } else post({ kind: 'events', events: this.batch });
    Atomics.add(this.control, CONTROL.sent, 1);
    this.batch = [];
    this.lastFlush = performance.now();
  }

  /**
   * Waits while the session is MAX_BATCHES_IN_FLIGHT batches behind (the target waits with us),
   * unless the run is being stopped.
   */
  private awaitRoom(): void {
    const control = this.control;
    for (;;) {
      const taken = Atomics.load(control, CONTROL.taken);
      if (Atomics.load(control, CONTROL.sent) - taken < MAX_BATCHES_IN_FLIGHT) return;
      if (Atomics.load(control, CONTROL.stop) !== 0) return;
      Atomics.wait(control, CONTROL.taken, taken, ROOM_WAIT_MS);
    }
  }

  private emit(event: TraceEvent): void {
    this.batch.push(event);
    if (this.batch.length >= BATCH_MAX) this.flush();
  }

  private get pending(): number {
    return this.batch.length + this.records.length;
  }

  private seccompDataOf(): SeccompData {
    const buf = this.notif;
    const args = [0, 1, 2, 3, 4, 5].map((i) => buf.readBigUInt64LE(NOTIF.args + 8 * i));
    return {
      nr: buf.readInt32LE(NOTIF.nr),
      arch: buf.readUInt32LE(NOTIF.arch),
      instructionPointer: buf.readBigUInt64LE(NOTIF.ip),
      args: args as unknown as SeccompData['args'],
    };
  }

  /** Replies to the notification being handled; its id is copied as two words, never a BigInt. */
  private reply(error: number, continueSyscall: boolean): void {
    const r = this.r32;
    r[RESP.id / 4] = this.n32[NOTIF.id / 4] ?? 0;
    r[RESP.id / 4 + 1] = this.n32[NOTIF.id / 4 + 1] ?? 0;
    r[RESP.val / 4] = 0;
    r[RESP.val / 4 + 1] = 0;
    r[RESP.error / 4] = -error >>> 0;
    r[RESP.flags / 4] = continueSyscall ? SECCOMP.SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
    for (;;) {
      if (this.c.ioctl(this.data.listenerFd, IOCTL.send, this.resp) === 0) return;
      const errno = this.c.lastErrno();
      // EINTR: a wake-up signal landed while the listener's lock was contended; the target
      // still waits for this reply, so send it again.
      if (errno === EINTR) continue;
      // ENOENT: the task died or was interrupted while we decided; nothing is waiting any more.
      if (errno !== ENOENT) {
        post({ kind: 'warning', message: `SECCOMP_IOCTL_NOTIF_SEND failed: errno ${errno}` });
      }
      return;
    }
  }

  private stillValid(): boolean {
    this.id32[0] = this.n32[NOTIF.id / 4] ?? 0;
    this.id32[1] = this.n32[NOTIF.id / 4 + 1] ?? 0;
    for (;;) {
      if (this.c.ioctl(this.data.listenerFd, IOCTL.idValid, this.idBuf) === 0) return true;
      if (this.c.lastErrno() !== EINTR) return false;
    }
  }

  private syscallInfo(auditArch: number, nr: number): SyscallInfo {
    let byNr = this.lastArchInfo;
    if (auditArch !== this.lastArch) {
      byNr = this.infoByArch.get(auditArch) ?? [];
      this.infoByArch.set(auditArch, byNr);
      this.lastArch = auditArch;
      this.lastArchInfo = byNr;
    }
    // Syscall numbers index a dense array; the others (x32's high bit, junk) a map.
    if (nr >= 0 && nr < MAX_DENSE_NR) return (byNr[nr] ??= lookUpSyscall(auditArch, nr));
    const key = `${auditArch}:${nr}`;
    let info = this.sparseInfo.get(key);
    if (!info) this.sparseInfo.set(key, (info = lookUpSyscall(auditArch, nr)));
    return info;
  }

  /**
   * The process of a thread. The first notification of a thread reads /proc once: a new process is
   * reported with its parent, a new thread of a known process as a thread (the process tree).
   * Thread ids are not reused before the pid space wraps, far beyond one run.
   */
  private identify(tid: number): number {
    if (tid === this.lastTid) return this.lastPid;
    const pid = this.identifyAnew(tid);
    if (this.processOf.has(tid)) {
      this.lastTid = tid;
      this.lastPid = pid;
    }
    return pid;
  }

  private identifyAnew(tid: number): number {
    const known = this.processOf.get(tid);
    if (known !== undefined) return known;
    const identity = threadIdentity(tid);
    if (!identity) return tid; // gone already: do not remember, the id may be reused
    const pid = identity.tgid;
    if (!this.processOf.has(pid)) {
      this.processOf.set(pid, pid);
      this.emit({ type: 'process', t: this.now(), pid, ppid: identity.ppid });
    }
    this.processOf.set(tid, pid);
    if (pid !== tid) this.emit({ type: 'thread', t: this.now(), pid, tid });
    return pid;
  }

  private execEvent(tid: number, pid: number, execveat: boolean): void {
    const data = this.data;
    if (!this.launcherExecSeen && tid === data.launcherPid) {
      this.launcherExecSeen = true;
      const argv = [...data.targetArgv];
      this.emit({ type: 'exec', t: this.now(), pid, tid, path: data.targetPath, argv });
      return;
    }
    // execveat's path and argv are one argument further along.
    const shift = execveat ? 1 : 0;
    const sd = this.seccompDataOf();
    const path = readRemoteString(this.c, tid, sd.args[shift] ?? 0n);
    const argv = readRemoteArgv(this.c, tid, sd.args[shift + 1] ?? 0n);
    if (!this.stillValid()) return; // the pid may have been reused while we read its memory
    this.emit({ type: 'exec', t: this.now(), pid, tid, path: path ?? '?', argv: argv ?? [] });
  }

  /**
   * exit_group: every process's final sandbox state, read while all its threads still exist; and
   * for a process the session did not start, its exit status for the process tree (the session
   * reports the first process's exit itself, with the signal if one killed it).
   */
  private exitEvents(pid: number): void {
    const final = finalSandboxState(pid, this.now(), () => this.stillValid());
    // Threads that made only allowed calls and are still running now end with the process without
    // an exit call of their own: they are seen here, once, so the process tree has them.
    for (const event of final) {
      if (event.type !== 'sandbox-state') continue;
      for (const thread of event.threads) {
        if (thread.tid === pid || this.processOf.has(thread.tid)) continue;
        this.processOf.set(thread.tid, pid);
        this.emit({ type: 'thread', t: event.t, pid, tid: thread.tid });
      }
    }
    for (const event of final) this.emit(event);
    if (pid === this.data.launcherPid) return;
    const code = (this.n32[NOTIF.args / 4] ?? 0) & 0xff;
    this.emit({ type: 'exit', t: this.now(), pid, code, signal: null });
  }

  /** Before the reply: what a self-sandboxing call points to, copied while the target waits. */
  private captureSelfSandbox(tid: number, pid: number): CapturedSelfSandboxCall | undefined {
    const site = { t: this.now(), pid, tid, data: this.seccompDataOf() };
    return captureSelfSandboxCall(this.c, site, () => this.stillValid());
  }

  private shouldResolve(pid: number, nr: number, fd: number, denied: boolean): boolean {
    if (denied) return true;
    let seen = this.resolvedDescriptors.get(pid);
    if (!seen) this.resolvedDescriptors.set(pid, (seen = new Set()));
    const key = nr * FD_KEY_SPAN + fd;
    if (seen.has(key)) return false;
    if (seen.size >= MAX_RESOLVED_PER_PROCESS) seen.clear();
    seen.add(key);
    return true;
  }

  /**
   * Reads the strings the event's arguments point at and what its descriptor arguments refer to,
   * before the reply lets the target go on and change them; dropped if the notification is no
   * longer valid (the tid may have been reused meanwhile). The bytes go to the record as they
   * are; the main thread makes strings of them.
   */
  private annotateArguments(tid: number, pid: number, info: SyscallInfo, denied: boolean): void {
    const records = this.records;
    const mark = records.noteMark;
    const n32 = this.n32;
    const argWord = NOTIF.args / 4;
    for (const index of info.strings) {
      const low = n32[argWord + 2 * index] ?? 0;
      const high = n32[argWord + 2 * index + 1] ?? 0;
      const length = this.strings.read(tid, low, high);
      if (length >= 0) records.noteBytes(index, NOTE_KIND.string, this.strings.bytes, 0, length);
    }
    const nr = (n32[NOTIF.nr / 4] ?? 0) | 0;
    for (const index of info.fds) {
      const fd = n32[argWord + 2 * index] ?? 0;
      // A descriptor is an int (the low word): negative ones and huge ones name no descriptor.
      if (fd >= FD_KEY_SPAN || !this.shouldResolve(pid, nr, fd, denied)) continue;
      const target = fdTarget(tid, fd);
      if (target !== null) records.noteString(index, NOTE_KIND.fd, target);
    }
    if (records.noteMark > mark && !this.stillValid()) records.dropNotesFrom(mark);
  }

  private handle(): void {
    this.notifications += 1;
    const n32 = this.n32;
    const tid = n32[NOTIF.pid / 4] ?? 0;
    const nr = (n32[NOTIF.nr / 4] ?? 0) | 0; // an int: syscall(-1) is -1
    const arch = n32[NOTIF.arch / 4] ?? 0;
    const data = this.data;
    const pid = this.identify(tid);
    const info = this.syscallInfo(arch, nr);
    const crashOn = this.crashOn;
    if (crashOn !== undefined && info.name === crashOn) {
      throw new Error(`fault injection: crashed on ${info.name}`);
    }
    // The launcher's own calls between its filter and its execve (deferred rlimits) are ours.
    if (!this.launcherExecSeen && tid === data.launcherPid && info.reason !== 'exec') {
      return this.reply(0, true);
    }
    if (info.reason === 'exec') this.resolvedDescriptors.delete(pid);
    let decision = info.decision;
    if (!decision) {
      decision = decideNotification(data.mode, this.program, this.seccompDataOf());
      if (decision.argumentFree) info.decision = decision;
    }
    if (decision.event !== 'none') {
      const denied = decision.event === 'denied';
      const t = this.now();
      this.records.add({ t, pid, tid, nr, arch, denied, action: decision.action }, n32);
      if (info.strings.length > 0 || info.fds.length > 0) {
        this.annotateArguments(tid, pid, info, denied);
      }
      if (this.records.full) this.flush();
    }
    // A call the policy denies in check mode never takes effect: its denial is the event.
    let selfSandbox: CapturedSelfSandboxCall | undefined;
    if (decision.reply.kind === 'continue') {
      if (info.reason === 'exec') this.execEvent(tid, pid, info.execveat);
      else if (info.reason === 'exit') this.exitEvents(pid);
      else if (info.reason === 'self-sandbox') selfSandbox = this.captureSelfSandbox(tid, pid);
    }
    if (decision.signal && SIGSYS !== undefined) this.sendSigsys(decision, pid, tid);
    if (decision.reply.kind === 'continue') this.reply(0, true);
    else this.reply(decision.reply.errno, false);
    // Decompiling is the slow part: only after the target runs on again.
    if (selfSandbox) this.emit(selfSandboxEvent(selfSandbox));
  }

  private sendSigsys(decision: NotificationDecision, pid: number, tid: number): void {
    if (!decision.signal || SIGSYS === undefined) return;
    const c = this.c;
    const sent =
      decision.signal.scope === 'process' ? c.kill(pid, SIGSYS) : c.tgkill(pid, tid, SIGSYS);
    if (sent !== 0) return;
    this.emit({
      type: 'signal',
      t: this.now(),
      pid,
      signal: 'SIGSYS',
      reason: `${decision.action} (sent by the supervisor in check mode)`,
    });
  }

  /** True once no task uses the filter any more (the listener reports POLLHUP). */
  private orphaned(): boolean {
    const pollfd = Buffer.alloc(8);
    pollfd.writeInt32LE(this.data.listenerFd, 0);
    pollfd.writeInt16LE(POLL.POLLIN, 4);
    if (this.c.poll(pollfd, 1, 0) < 0) return false;
    return (pollfd.readInt16LE(6) & (POLL.POLLHUP | POLL.POLLERR)) !== 0;
  }

  run(): number {
    const c = this.c;
    const fd = this.data.listenerFd;
    if (c.ioctlValue(fd, IOCTL.setFlags, USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
      post({
        kind: 'info',
        message: 'SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP is not available on this kernel',
      });
    }
    const control = this.control;
    const notif = this.notif;
    const n32 = this.n32;
    while (Atomics.load(control, CONTROL.stop) === 0) {
      // The kernel rejects a RECV buffer that is not zeroed.
      for (let i = 0; i < n32.length; i++) n32[i] = 0;
      Atomics.store(control, CONTROL.waiting, this.pending);
      const received = c.ioctl(fd, IOCTL.recv, notif);
      Atomics.store(control, CONTROL.waiting, -1);
      if (received === 0) {
        this.handle();
        // The clock is read every few notifications; a quiet target is the session's to notice.
        if (
          (this.notifications & CLOCK_EVERY) === 0 &&
          performance.now() - this.lastFlush >= BATCH_MS
        ) {
          this.flush();
        }
        continue;
      }
      const errno = c.lastErrno();
      if (errno === EINTR) {
        // Woken: to stop (the loop's condition) or to send what we hold.
        if (this.pending > 0) this.flush();
      } else if (errno === ENOENT) {
        // Either the notification's task died before we took it, or no task is left at all.
        if (this.orphaned()) break;
      } else {
        throw new Error(`SECCOMP_IOCTL_NOTIF_RECV failed: errno ${errno}`);
      }
    }
    return this.notifications;
  }
}

/** Supervises one run; false when it failed (the worker then ends rather than serve another). */
function supervise(data: NotifyWorkerData): boolean {
  const supervision = new Supervision(data);
  try {
    const notifications = supervision.run();
    supervision.flush();
    post({ kind: 'done', notifications });
    return true;
  } catch (error) {
    supervision.flush();
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

try {
  post({ kind: 'ready', wake: prepareThreadWake() });
  // Runs one after another (the warm pool gives a worker back after a clean run: its compiled
  // code stays warm), until told to end or a run failed.
  parentPort?.on('message', (message: ToWorkerMessage) => {
    if (message.kind === 'cancel' || !supervise(message.data)) parentPort?.close();
  });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
