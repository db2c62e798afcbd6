import { describe, expect, it } from 'vitest';
import { canRunLinuxIntegration } from './c-test-program';
import { libc } from './libc';
import { RemoteStringReader } from './remote-string-reader';

const PAGE = 4096;

/** A buffer whose memory holds `text` (NUL-terminated) at an address `pageOffset` into a page. */
function placed(text: string, pageOffset: number): { low: number; high: number; keep: Buffer } {
  const keep = Buffer.alloc(4 * PAGE + text.length + 1);
  const base = libc().address(keep);
  const skip = (pageOffset - Number(base % BigInt(PAGE)) + PAGE) % PAGE;
  keep.write(`${text}\0`, skip, 'utf8');
  const address = base + BigInt(skip);
  return { low: Number(address & 0xffffffffn), high: Number(address >> 32n), keep };
}

function readText(reader: RemoteStringReader, at: { low: number; high: number }): string | null {
  const length = reader.read(process.pid, at.low, at.high);
  return length < 0 ? null : reader.bytes.toString('utf8', 0, length);
}

describe.runIf(canRunLinuxIntegration)('RemoteStringReader on the real kernel', () => {
  const reader = new RemoteStringReader(libc(), 64);

  it('reads a NUL-terminated string of another address space (here our own)', () => {
    const at = placed('/etc/passwd', 100);
    expect(readText(reader, at)).toBe('/etc/passwd');
    expect(readText(reader, placed('', 7))).toBe('');
    expect(readText(reader, placed('/tmp/é ü', 2000))).toBe('/tmp/é ü');
  });

  it('follows a string across a page end', () => {
    const text = '/usr/lib/x86_64-linux-gnu/libc.so.6';
    expect(readText(reader, placed(text, PAGE - 5))).toBe(text);
  });

  it('cuts a string at its maximum length', () => {
    const long = 'x'.repeat(200);
    expect(readText(reader, placed(long, PAGE - 10))).toBe('x'.repeat(64));
    expect(readText(new RemoteStringReader(libc()), placed(long, 0))).toBe(long);
  });

  it('does not take a NUL left over from an earlier, longer read', () => {
    readText(reader, placed('short', 0));
    const text = 'a'.repeat(30);
    // Same reader: its buffer still holds "short\\0…" at the start.
    expect(readText(reader, placed(text, PAGE - 3))).toBe(text);
  });

  it('returns -1 for the null pointer and for memory that is not mapped', () => {
    expect(reader.read(process.pid, 0, 0)).toBe(-1);
    expect(reader.read(process.pid, PAGE, 0)).toBe(-1);
  });
});
