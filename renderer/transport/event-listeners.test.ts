import { describe, expect, it } from 'vitest';
import { EventListeners } from './event-listeners';

const STATE = { runId: 'r', mode: 'check', state: 'exited' } as const;

describe('EventListeners', () => {
  it('calls the listeners of one name until they unsubscribe', () => {
    const listeners = new EventListeners();
    const seen: string[] = [];
    const off = listeners.add('run.state', (p) => seen.push(p.state));
    listeners.add('run.events', () => seen.push('events'));
    listeners.emit('run.state', STATE);
    off();
    listeners.emit('run.state', STATE);
    expect(seen).toEqual(['exited']);
  });

  it('keeps the others running when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const listeners = new EventListeners((e) => errors.push(e));
    const seen: string[] = [];
    listeners.add('run.state', () => {
      throw new Error('view bug');
    });
    listeners.add('run.state', (p) => seen.push(p.state));
    listeners.emit('run.state', STATE);
    expect(seen).toEqual(['exited']);
    expect(errors).toEqual([new Error('view bug')]);
  });
});
