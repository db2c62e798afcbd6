/**
 * A notification worker thread seen from the main thread. It is started ahead of its run (the
 * thread and its bundle take ≈ 70 ms to load, which then overlaps the launcher's start-up), gets
 * its run's listener later, and is woken out of its blocking RECV to stop, or to send the events
 * it holds while the target is quiet. After a clean run it can serve another (the warm pool keeps
 * it: its compiled code stays warm, which short runs feel most).
 */
import { Worker } from 'node:worker_threads';
import { wakeThread, type ThreadWake } from '../../native-bridge/linux/thread-wake';
import { unpackedEntry } from '../paths';
import {
  CONTROL,
  type NotifyWorkerData,
  type ToWorkerMessage,
  type WorkerMessage,
} from './worker-protocol';

/** How often a stop request wakes the worker again until its run ended (a wake can race RECV). */
const STOP_WAKE_MS = 20;

export interface NotifyWorkerListener {
  message(message: Exclude<WorkerMessage, { kind: 'ready' }>): void;
  /** The thread crashed (an uncaught error, or it could not load). */
  crashed(error: Error): void;
}

type RunState = 'idle' | 'running' | 'done' | 'failed';

export class NotifyWorkerHandle {
  /** Settles when the thread has ended. */
  readonly exited: Promise<void>;
  private readonly worker: Worker;
  private wake: ThreadWake | undefined;
  private control: Int32Array | undefined;
  private listener: NotifyWorkerListener | undefined;
  /** What arrived before anyone listened (a worker that failed while loading). */
  private early: (() => void)[] = [];
  private state: RunState = 'idle';
  private hasExited = false;
  private stopTimer: NodeJS.Timeout | undefined;
  private runEnded: Promise<void> = Promise.resolve();
  private endRun: () => void = () => undefined;

  constructor() {
    this.worker = new Worker(unpackedEntry('notify-worker.mjs'));
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'ready') {
        this.wake = message.wake;
        return;
      }
      if (message.kind === 'done' || message.kind === 'failed') this.finishRun(message.kind);
      this.deliver(() => this.listener?.message(message));
    });
    this.worker.on('error', (error) => this.deliver(() => this.listener?.crashed(error)));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.hasExited = true;
        this.finishRun('failed');
        resolve();
      }),
    );
  }

  get ended(): boolean {
    return this.hasExited;
  }

  get started(): boolean {
    return this.state !== 'idle';
  }

  /** Settles when the current run has ended (done, failed, or the thread ended). */
  get runDone(): Promise<void> {
    return this.runEnded;
  }

  private finishRun(state: 'done' | 'failed'): void {
    if (this.stopTimer) clearInterval(this.stopTimer);
    this.stopTimer = undefined;
    if (this.state === 'running') this.state = state;
    this.endRun();
  }

  private deliver(call: () => void): void {
    if (this.listener) call();
    else this.early.push(call);
  }

  /** Receives the worker's messages from now on, including any that came before. */
  listen(listener: NotifyWorkerListener): void {
    this.listener = listener;
    const early = this.early;
    this.early = [];
    for (const call of early) call();
  }

  /** Hands the worker its run: the loop starts as soon as the thread has loaded. */
  start(data: NotifyWorkerData): void {
    this.state = 'running';
    this.control = new Int32Array(data.control);
    this.runEnded = new Promise((resolve) => (this.endRun = resolve));
    if (this.hasExited) this.finishRun('failed');
    else this.post({ kind: 'start', data });
  }

  /** Whether it can serve a run now: never given one, or its last run ended cleanly. */
  get available(): boolean {
    return !this.hasExited && (this.state === 'idle' || this.state === 'done');
  }

  /** Readies an available worker for its next run (a new listener, a new control block). */
  recycle(): void {
    if (!this.available) throw new Error('this notification worker cannot serve another run');
    this.state = 'idle';
    this.listener = undefined;
    this.early = [];
    this.control = undefined;
  }

  /** Ends the thread (when it is not running a run). */
  cancel(): void {
    if (this.state !== 'running') this.post({ kind: 'cancel' });
  }

  /** Wakes the worker if it is blocked in RECV holding unsent events. */
  nudge(): void {
    const control = this.control;
    if (control && this.wake && Atomics.load(control, CONTROL.waiting) > 0) wakeThread(this.wake);
  }

  /** Ends the current run's loop: sets its stop flag and wakes the thread until the run ended. */
  stop(): void {
    if (this.state !== 'running' || this.hasExited) return;
    if (this.control) Atomics.store(this.control, CONTROL.stop, 1);
    const wakeUp = () => {
      if (this.wake && this.state === 'running' && !this.hasExited) wakeThread(this.wake);
    };
    wakeUp();
    this.stopTimer ??= setInterval(wakeUp, STOP_WAKE_MS);
  }

  /** Whether an idle worker keeps the process alive (a warm one in the pool does not). */
  setRef(ref: boolean): void {
    if (ref) this.worker.ref();
    else this.worker.unref();
  }

  private post(message: ToWorkerMessage): void {
    if (!this.hasExited) this.worker.postMessage(message);
  }
}
