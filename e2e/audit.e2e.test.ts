import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileSandboxedProgram,
  startSandboxedProgram,
} from '../native-bridge/linux/sandboxed-test-program';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const SHOTS = join(root, 'docs', 'screenshots');

const startSandboxed = (binary: string) => startSandboxedProgram(binary, '--audit-e2e');

/** axe-core's serious and critical violations inside the audit dialog. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Element,
            options: object,
          ): Promise<{ violations: { id: string; impact?: string | null; help: string }[] }>;
        };
      }
    ).axe;
    const dialog = document.querySelector('.audit-modal');
    if (!dialog) return ['the audit dialog is not there'];
    const result = await axe.run(dialog, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help}`);
  });
}

async function editorText(page: Page): Promise<string> {
  return ((await page.locator('.monaco-editor .view-lines').textContent()) ?? '').replace(
    /\s/g,
    ' ',
  );
}

const isRoot = process.getuid?.() === 0;
const enabled = process.platform === 'linux' && process.arch === 'x64' && chromiumAvailable();

describe.runIf(enabled)('audit view (Chromium, web mode)', () => {
  let browser: Browser;
  let studio: WebStudio;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ss-audit-ws-'));
    copyFileSync(join(root, 'examples', 'ls.sandbox.yaml'), join(workspace, 'ls.sandbox.yaml'));
    child = await startSandboxed(compileSandboxedProgram());
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await browser?.close();
    await studio?.close();
  });

  it('finds a sandboxed process, shows its posture and filter, opens it as a policy', async () => {
    const pid = child?.pid;
    if (pid === undefined) throw new Error('the sandboxed process did not start');
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await page.goto(studio.url);
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');

    // Reached through the command palette.
    const audit = page.getByRole('button', { name: 'Audit', exact: true });
    await expect.poll(() => audit.isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('audit a process');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Audit a process' });
    await expect.poll(() => dialog.count()).toBe(1);

    // Filter down to the process and pick it.
    await page.getByRole('searchbox', { name: 'Filter processes' }).fill('--audit-e2e');
    const row = page.locator(`.audit-process[data-pid="${pid}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.audit-process').count()).toBe(1);
    expect(await row.textContent()).toContain('filter (1 filter)');
    await row.click();

    // Posture per thread, capabilities decoded by name, Yama, Landlock, rlimits, namespaces.
    const report = page.getByRole('region', { name: 'Process posture' });
    await expect.poll(() => report.textContent(), { timeout: 10_000 }).toContain(`Thread ${pid}`);
    const text = (await report.textContent()) ?? '';
    expect(text).toContain('no_new_privs on');
    expect(text).toMatch(/Yama ptrace scope/);
    expect(text).toMatch(/Landlock/);
    expect(text).toContain('Max open files');
    expect(text).toContain('Namespaces');
    expect(text).toMatch(/CAP_[A-Z_]+|none/);

    if (isRoot) {
      const policy = page.getByLabel('Decompiled policy of filter 0');
      await expect.poll(() => policy.count(), { timeout: 10_000 }).toBe(1);
      expect(await policy.textContent()).toContain('uname');
    } else {
      // Without CAP_SYS_ADMIN the view names the missing privilege.
      expect(text).toMatch(/CAP_SYS_ADMIN|CAP_SYS_PTRACE|Yama/);
    }

    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'audit.png') });

    if (isRoot) {
      await page.getByRole('button', { name: 'Open as policy' }).click();
      await expect.poll(() => dialog.count()).toBe(0);
      await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain('uname');
      await expect.poll(() => page.title()).toMatch(/^● untitled/);
    }
    await page.close();
  });

  it('asks before replacing unsaved changes', async () => {
    const pid = child?.pid;
    if (!isRoot || pid === undefined) return;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(studio.url);
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.type('# keep me ');
    const audit = page.getByRole('button', { name: 'Audit', exact: true });
    await expect.poll(() => audit.isEnabled(), { timeout: 15_000 }).toBe(true);
    await audit.click();
    const row = page.locator(`.audit-process[data-pid="${pid}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await row.click();
    await page.getByRole('button', { name: 'Open as policy' }).click();
    const confirm = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await expect.poll(() => confirm.count()).toBe(1);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await editorText(page)).toContain('# keep me');
    expect(await page.getByRole('dialog', { name: 'Audit a process' }).count()).toBe(1);
    await page.close();
  });
});
