import { annotationsOf } from '../../../app/trace/arg-annotations';
import { decodeArgs, describeDecodedArgs, formatDecodedArgs } from '../../../app/trace/decode-args';
import type { TraceEvent } from '../../../app/trace/events';

/** The text of one event-table row, column by column. */
export interface EventCells {
  /** Milliseconds since the run started. */
  readonly time: string;
  readonly type: TraceEvent['type'];
  readonly pid: string;
  readonly tid: string;
  /** Syscall name, exec path, signal, exit status, output line or error message. */
  readonly name: string;
  /** The syscall's arguments decoded (flags by name, fds, paths when known), comma separated. */
  readonly args: string;
  /** Each argument's name, meaning and raw value, one per line (the args cell's tooltip). */
  readonly argsDetail?: string;
  readonly action: string;
}

export const EVENT_COLUMNS = ['time', 'type', 'pid', 'tid', 'name', 'args', 'action'] as const;
export type EventColumn = (typeof EVENT_COLUMNS)[number];

export const COLUMN_TITLES: Readonly<Record<EventColumn, string>> = {
  time: 'time (ms)',
  type: 'type',
  pid: 'pid',
  tid: 'tid',
  name: 'name',
  args: 'args',
  action: 'action',
};

export function eventCells(event: TraceEvent): EventCells {
  const common = { time: formatTime(event.t), type: event.type };
  switch (event.type) {
    case 'exec':
      return {
        ...common,
        ...ids(event.pid, event.tid),
        name: [event.path, ...event.argv.slice(1)].join(' '),
        args: '',
        action: '',
      };
    case 'syscall':
    case 'denied': {
      const args = decodeArgs(event, annotationsOf(event));
      return {
        ...common,
        ...ids(event.pid, event.tid),
        name: event.name,
        args: formatDecodedArgs(args),
        argsDetail: describeDecodedArgs(args),
        action: event.type === 'denied' ? event.action : '',
      };
    }
    case 'signal':
      return {
        ...common,
        ...ids(event.pid),
        name: event.reason ? `${event.signal} (${event.reason})` : event.signal,
        args: '',
        action: '',
      };
    case 'exit':
      return {
        ...common,
        ...ids(event.pid),
        name:
          event.signal !== null ? `killed by ${event.signal}` : `exit status ${event.code ?? '?'}`,
        args: '',
        action: '',
      };
    case 'stdout':
    case 'stderr':
      return { ...common, ...ids(), name: oneLine(event.data), args: '', action: '' };
    case 'error':
      return {
        ...common,
        ...ids(),
        name: event.message,
        args: '',
        action: [
          event.severity === 'warning' ? 'warning' : undefined,
          event.layer,
          event.errnoName ?? event.errno,
        ]
          .filter(isPresent)
          .join(' '),
      };
    case 'process':
      return { ...common, ...ids(event.pid), name: `child of ${event.ppid}`, args: '', action: '' };
    case 'thread':
      return { ...common, ...ids(event.pid, event.tid), name: 'new thread', args: '', action: '' };
    case 'self-sandbox':
      return {
        ...common,
        ...ids(event.pid, event.tid),
        name: `${event.call}: ${event.summary}`,
        args: '',
        action: event.warning ?? '',
      };
    case 'sandbox-state':
      return {
        ...common,
        ...ids(event.pid),
        name: `sandbox of ${event.threads.length} thread(s) at exit`,
        args: '',
        action: '',
      };
  }
}

/** Case-insensitive substring match over what the filter box promises: type, name and action. */
export function eventMatches(event: TraceEvent, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  const cells = eventCells(event);
  return `${cells.type}\u0000${cells.name}\u0000${cells.action}`.toLowerCase().includes(needle);
}

export function formatTime(ms: number): string {
  return ms.toFixed(2);
}

function ids(pid?: number, tid?: number): { pid: string; tid: string } {
  return { pid: pid === undefined ? '' : String(pid), tid: tid === undefined ? '' : String(tid) };
}

/** Output chunks keep their text but show on one row: trailing newline dropped, others shown. */
function oneLine(text: string): string {
  return text.replace(/\r?\n$/, '').replace(/\r?\n/g, ' ⏎ ');
}

function isPresent<T>(value: T | undefined | null | ''): value is T {
  return value !== undefined && value !== null && value !== '';
}

/* ---------- what-if column: the edited policy's verdict on a recorded syscall ---------- */

export const WHATIF_COLUMN_TITLE = 'what-if';

/** The what-if cell of a row: a short mark, and what it means for the title (tooltip). */
export interface WhatIfCellText {
  readonly text: string;
  readonly title: string;
}

/**
 * `verdict` and `outcome` (the edited policy's action) come from the what-if store; `observed` is
 * the action the run applied, from the event.
 */
export function whatIfCellText(
  verdict: 'none' | 'allowed' | 'denied' | 'changed' | 'unknown',
  outcome: string | undefined,
  observed: string | undefined,
): WhatIfCellText {
  const saw = observed ? ` (the run saw ${observed})` : '';
  switch (verdict) {
    case 'none':
      return { text: '', title: '' };
    case 'allowed':
      return {
        text: 'allowed',
        title: `the edited policy lets this call run${outcome && outcome !== 'allow' ? ` (${outcome})` : ''}`,
      };
    case 'denied':
      return {
        text: 'denied',
        title: `the edited policy still denies this call${outcome ? `: ${outcome}` : ''}${saw}`,
      };
    case 'changed':
      return {
        text: outcome ? `→ ${outcome}` : 'changed',
        title: `the edited policy denies this call differently: ${outcome ?? 'unknown'}${saw}`,
      };
    case 'unknown':
      return {
        text: '?',
        title:
          'cannot tell: the event lacks what the filter reads (its arguments or instruction pointer)',
      };
  }
}
