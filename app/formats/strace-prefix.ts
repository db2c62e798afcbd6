/*
 * What strace writes before a call: the thread id (`-f`: `123 ` or `[pid 123] `), a timestamp
 * (`-t` 10:00:00, `-tt` 10:00:00.123456, `-ttt` 1700000000.123456, or `-r` the seconds since the
 * previous line, 0.000123) and `-i`'s instruction pointer. `-T` durations (`<0.000012>`) come
 * after the result and are not times of the trace.
 */

export type Stamp =
  | { readonly kind: 'clock'; readonly seconds: number }
  | { readonly kind: 'seconds'; readonly seconds: number };

export interface LinePrefix {
  readonly id?: number;
  readonly stamp?: Stamp;
  /** The line after the prefix. */
  readonly body: string;
  /** Where `body` starts in the line (0-based). */
  readonly bodyStart: number;
}

const PID = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+(?=\S))/;
const CLOCK = /^(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)\s+/;
const SECONDS = /^(\d+\.\d+)\s+/;
const IP = /^\[[0-9a-f?]+\]\s+/;

export function linePrefix(line: string): LinePrefix {
  let rest = line.trimStart();
  const pid = PID.exec(rest);
  if (pid) rest = rest.slice(pid[0].length).trimStart();
  let stamp: Stamp | undefined;
  const clock = CLOCK.exec(rest);
  const seconds = clock ? undefined : SECONDS.exec(rest);
  if (clock) {
    const [, h, m, s] = clock as unknown as [string, string, string, string];
    stamp = { kind: 'clock', seconds: Number(h) * 3600 + Number(m) * 60 + Number(s) };
  } else if (seconds) {
    stamp = { kind: 'seconds', seconds: Number(seconds[1]) };
  }
  rest = rest.slice((clock ?? seconds)?.[0].length ?? 0).replace(IP, '');
  const id = pid ? Number(pid[1] ?? pid[2]) : undefined;
  return {
    ...(id === undefined ? {} : { id }),
    ...(stamp === undefined ? {} : { stamp }),
    body: rest,
    bodyStart: line.length - rest.length,
  };
}

/**
 * `-ttt` counts seconds since 1970 (over a billion today); `-r` counts seconds since the previous
 * line. A first value below this (11.6 days) is read as `-r`.
 */
const RELATIVE_BELOW = 1_000_000;
const DAY = 86_400;

/** strace's resolution: milliseconds with three decimals, without binary fractions' noise. */
function toMicroseconds(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * The times of a log's lines in milliseconds since its first timestamp. A line without one (a
 * log without -t) keeps the time of the line before it. A wall clock (-t/-tt) that goes back by
 * more than half a day passed midnight.
 */
export class StraceClock {
  #mode: 'clock' | 'epoch' | 'relative' | undefined;
  #start = 0;
  #last = 0;
  #day = 0;
  #t = 0;

  at(stamp: Stamp | undefined): number {
    if (!stamp) return this.#t;
    const mode = this.#mode ?? this.#modeOf(stamp);
    if (mode === 'relative') {
      this.#t = toMicroseconds(this.#t + (this.#mode === undefined ? 0 : stamp.seconds * 1000));
    } else {
      let seconds = stamp.seconds + this.#day;
      if (mode === 'clock' && this.#mode !== undefined && seconds < this.#last - DAY / 2) {
        this.#day += DAY;
        seconds += DAY;
      }
      if (this.#mode === undefined) this.#start = seconds;
      this.#last = seconds;
      this.#t = Math.max(0, toMicroseconds((seconds - this.#start) * 1000));
    }
    this.#mode = mode;
    return this.#t;
  }

  #modeOf(stamp: Stamp): 'clock' | 'epoch' | 'relative' {
    if (stamp.kind === 'clock') return 'clock';
    return stamp.seconds < RELATIVE_BELOW ? 'relative' : 'epoch';
  }
}
