import { describe, expect, it } from 'vitest';
import { importPolicy } from './conversions';
import { importStreamed } from './streamed-strace';
import { STRACE_LOG } from './trace-import-test-helpers';

const fileInput = (text: string) => {
  const file = new Blob([text]);
  return { name: 'sh.log', content: '', size: file.size, file };
};

describe('importStreamed', () => {
  it('learns the policy the whole text gives, with progress', async () => {
    const fractions: number[] = [];
    const streamed = await importStreamed(fileInput(STRACE_LOG), undefined, {
      onProgress: (f) => fractions.push(f),
    });
    expect(streamed).toEqual(importPolicy('strace', { name: 'sh.log', content: STRACE_LOG }));
    expect(fractions).toEqual([1]);
  });

  it('gives a malformed line as an error at its place, and null when aborted', async () => {
    expect(await importStreamed(fileInput(`${STRACE_LOG}nonsense\n`))).toMatchObject({
      ok: false,
      error: { message: 'not a line of strace output: "nonsense"', range: { start: { line: 5 } } },
    });
    const controller = new AbortController();
    controller.abort();
    expect(await importStreamed(fileInput(STRACE_LOG), undefined, controller)).toBeNull();
  });
});
