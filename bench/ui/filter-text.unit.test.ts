import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../app/trace/events';
import { textFilterFor } from './filter-text';

const call = (name: string): TraceEvent => ({
  type: 'syscall',
  t: 0,
  pid: 1,
  tid: 1,
  name,
  nr: 0,
  arch: 'x86_64',
  args: ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'],
});

describe('textFilterFor', () => {
  it('picks the most frequent syscall that no other name contains', () => {
    const events = ['read', 'read', 'read', 'pread64', 'mmap', 'mmap', 'close'].map(call);
    // `read` would also match pread64: mmap is the most frequent name that stands alone.
    expect(textFilterFor(events)).toBe('mmap');
  });

  it('falls back to the most frequent name, then to a word, when nothing stands alone', () => {
    expect(textFilterFor(['read', 'read'].map(call))).toBe('read');
    expect(textFilterFor([{ type: 'stdout', t: 0, data: 'x' }])).toBe('syscall');
  });
});
