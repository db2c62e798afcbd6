import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { root } from './helpers';

/** The Electron binary, or why there is none (it cannot be downloaded on every machine). */
function electronBinary(): { path: string } | { reason: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: 'the electron package is installed without its binary' };
  } catch (error) {
    return {
      reason: `no Electron binary (${error instanceof Error ? error.message.split('\n')[0] : error})`,
    };
  }
}

const binary = electronBinary();
if ('reason' in binary) console.warn(`skipping the Electron e2e spec: ${binary.reason}`);

describe.runIf('path' in binary)('the studio in Electron', () => {
  it('opens a sandboxed window with the editor and the run controls', async () => {
    const app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [root],
    });
    try {
      const page = await app.firstWindow();
      await expect
        .poll(() => page.locator('.monaco-editor').count(), { timeout: 30_000 })
        .toBeGreaterThan(0);
      await expect
        .poll(() => page.getByRole('button', { name: 'Learn', exact: true }).count())
        .toBe(1);
      // The renderer must not reach Node: no require, no process.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
        'undefined',
      );
    } finally {
      await app.close();
    }
  });
});
