import type { TraceEvent } from '../../app/trace/events';

/**
 * The text filter the bench types: the most frequent syscall name of the recording that is part of
 * no other name, so the filtered table shows that one syscall (thousands of rows in a large run).
 */
export function textFilterFor(events: readonly TraceEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'syscall' || e.type === 'denied')
      counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  }
  const names = [...counts.keys()];
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const alone = ranked.find(([name]) => !names.some((n) => n !== name && n.includes(name)));
  return (alone ?? ranked[0])?.[0] ?? 'syscall';
}
