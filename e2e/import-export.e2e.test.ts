import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_MAX_MESSAGE_BYTES } from '../app/api/contract';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

const SHOTS = join(root, 'docs', 'screenshots');
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

type AxeRun = (
  context: Element,
  options: object,
) => Promise<{ violations: { id: string; impact?: string | null; help: string }[] }>;

/** axe-core's serious and critical violations inside the open import or export dialog. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: AxeRun } }).axe;
    const dialog = document.querySelector('.ie-modal');
    if (!dialog) return ['the dialog is not there'];
    const { violations } = await axe.run(dialog, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help}`);
  });
}

/** Monaco renders spaces as no-break spaces; normalize them. */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\s/g, ' ');
}

const errorCount = (page: Page) => page.locator('.status-bar .diag-errors').textContent();

async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  return page;
}

/** A new page on the studio, once its editor shows the starter policy. */
async function openStudio(browser: Browser, url: string): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(url);
  await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
  return page;
}

/** The Import policy dialog, opened through the command palette. */
async function openImportDialog(page: Page): Promise<Locator> {
  await page.keyboard.press('Control+Shift+P');
  await page.keyboard.type('import policy');
  await page.keyboard.press('Enter');
  return page.getByRole('dialog', { name: 'Import policy' });
}

const enabled = process.platform === 'linux' && chromiumAvailable();
const straceAvailable = spawnSync('sh', ['-c', 'command -v strace']).status === 0;

describe.runIf(enabled)('import and export in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;
  let workspace: string;
  let straceLogPath: string;
  let bigLogPath: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ss-e2e-import-export-'));
    for (const name of ['layers.sandbox.yaml', 'openssh-preauth.sandbox.yaml']) {
      copyFileSync(join(root, 'examples', name), join(workspace, name));
    }
    // A real log, outside the workspace as a user's download would be.
    straceLogPath = join(mkdtempSync(join(tmpdir(), 'ss-e2e-strace-')), 'sh.log');
    bigLogPath = join(dirname(straceLogPath), 'find.log');
    if (straceAvailable) {
      spawnSync(
        'strace',
        ['-f', '-o', straceLogPath, '--', 'sh', '-c', 'ls / >/dev/null; echo hi'],
        {
          stdio: 'ignore',
        },
      );
      // Over 2 MB (one web-mode message) and over 8 MB (read a slice at a time): about 12 MB.
      spawnSync(
        'strace',
        ['-f', '-y', '-o', bigLogPath, '--', 'find', '/usr/share', '/usr/lib', '-maxdepth', '6'],
        { stdio: 'ignore' },
      );
    }
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    if (straceLogPath) rmSync(dirname(straceLogPath), { recursive: true, force: true });
  });

  it('exports the example policy as systemd and as C, with warnings at its lines', async () => {
    const page = await newPage(browser);
    await page.goto(studio.url);
    const open = page.getByRole('button', { name: 'Open', exact: true });
    await expect.poll(() => open.isEnabled(), { timeout: 15_000 }).toBe(true);
    await open.click();
    await page.getByText('layers.sandbox.yaml', { exact: true }).first().click();
    await expect.poll(() => page.title(), { timeout: 10_000 }).toMatch(/^layers\.sandbox\.yaml/);
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).toBe('✕ 0');

    // By its shortcut.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Shift+Alt+X');
    const dialog = page.getByRole('dialog', { name: 'Export policy' });
    await expect.poll(() => dialog.count()).toBe(1);
    const output = dialog.getByLabel('Exported text');
    const warnings = dialog.getByRole('list', { name: 'What this format cannot express' });

    await dialog.locator('input[type="radio"][value="systemd"]').check();
    await expect.poll(() => output.textContent()).toContain('SystemCallFilter=');
    expect(await warnings.textContent()).toMatch(/\d+:\d+warning:/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'export.png') });

    await dialog.locator('input[type="radio"][value="c"]').check();
    await expect.poll(() => output.textContent()).toContain('#include');
    expect(await warnings.textContent()).toContain('namespaces is not in the exported C');

    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('layers.seccomp.c');
    const path = await download.path();
    expect(readFileSync(path, 'utf8')).toBe(await output.textContent());

    // An exporter's refusal is an error, and nothing to copy.
    await dialog.locator('input[type="radio"][value="windows-c"]').check();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('windows');
    expect(await dialog.getByRole('button', { name: 'Copy' }).isDisabled()).toBe(true);

    // A warning's location shows its line in the editor.
    await dialog.locator('input[type="radio"][value="c"]').check();
    const location = warnings.getByRole('button').first();
    const line = Number(/^(\d+):/.exec((await location.textContent()) ?? '')?.[1]);
    await location.click();
    await expect.poll(() => dialog.count()).toBe(0);
    const activeLine = page.locator('.monaco-editor .line-numbers.active-line-number');
    await expect.poll(() => activeLine.textContent().then(Number)).toBe(line);
    await page.close();
  });

  it('is unavailable with a reason while the policy has errors', async () => {
    const page = await openStudio(browser, studio.url);
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nbogus: [');
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).not.toBe('✕ 0');
    await page.keyboard.press('Shift+Alt+X');
    const dialog = page.getByRole('dialog', { name: 'Export policy' });
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/^The policy has/);
    expect(await dialog.getByRole('button', { name: 'Download' }).isDisabled()).toBe(true);
    await page.close();
  });

  it("imports Docker's default profile from a file and opens it as a policy", async () => {
    const page = await openStudio(browser, studio.url);

    // Through the command palette.
    const dialog = await openImportDialog(page);
    await expect.poll(() => dialog.count()).toBe(1);

    // Pasted text that is not a profile: an error at its line and column.
    await dialog.getByLabel('or paste the text').fill('{\n  "defaultAction": 3\n}');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/\d+:\d+error:/);
    expect(await dialog.getByRole('button', { name: 'Open as policy' }).isDisabled()).toBe(true);

    await dialog
      .locator('input[type="file"]')
      .setInputFiles(join(root, 'bench', 'profiles', 'docker-default.json'));
    const preview = dialog.getByLabel('Imported policy');
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('version: 1');
    expect(await dialog.getByLabel('or paste the text').inputValue()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'import.png') });

    await dialog.getByRole('button', { name: 'Open as policy' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain('docker-default.json');
    await expect.poll(() => page.title()).toMatch(/^● untitled/);
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).toBe('✕ 0');
    expect(await page.locator('.monaco-editor .squiggly-error').count()).toBe(0);
    await page.close();
  });

  it("offers the CLI's export options, and the output follows them", async () => {
    const page = await newPage(browser);
    await page.goto(studio.url);
    const open = page.getByRole('button', { name: 'Open', exact: true });
    await expect.poll(() => open.isEnabled(), { timeout: 15_000 }).toBe(true);
    await open.click();
    await page.getByText('openssh-preauth.sandbox.yaml', { exact: true }).first().click();
    await expect.poll(() => errorCount(page), { timeout: 10_000 }).toBe('✕ 0');
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Shift+Alt+X');
    const dialog = page.getByRole('dialog', { name: 'Export policy' });
    const output = dialog.getByLabel('Exported text');

    // OCI has no options.
    await dialog.locator('input[type="radio"][value="oci"]').check();
    await expect.poll(() => output.textContent()).toContain('"defaultAction"');
    expect(await dialog.getByRole('group', { name: 'Options' }).count()).toBe(0);

    // k8s: the resource's name and namespace.
    await dialog.locator('input[type="radio"][value="k8s"]').check();
    await dialog.getByLabel('Name (metadata.name)').fill('sshd-preauth');
    await dialog.getByLabel('Namespace (metadata.namespace)').fill('prod');
    await expect.poll(() => output.textContent()).toContain('name: sshd-preauth');
    expect(await output.textContent()).toContain('namespace: "prod"');

    // systemd: what to do with syscalls allowed only under a condition, by keyboard.
    await dialog.locator('input[type="radio"][value="systemd"]').check();
    const denied = await output.textContent();
    const conditional = dialog.getByLabel(
      'Syscalls the policy allows only under an argument condition',
    );
    await conditional.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => conditional.inputValue()).toBe('allow');
    await expect.poll(() => output.textContent()).not.toBe(denied);

    // C: TSYNC by default; the checkbox turns it off (Space on the focused box).
    await dialog.locator('input[type="radio"][value="c"]').check();
    await expect.poll(() => output.textContent()).toContain('SECCOMP_FILTER_FLAG_TSYNC');
    const tsync = dialog.getByLabel(/Install the filter on every thread/);
    await tsync.focus();
    await page.keyboard.press('Space');
    expect(await tsync.isChecked()).toBe(false);
    await expect.poll(() => output.textContent()).not.toContain('SECCOMP_FILTER_FLAG_TSYNC,');

    // bpf: one arch of the policy.
    await dialog.locator('input[type="radio"][value="bpf"]').check();
    await dialog.getByLabel('Compile for').selectOption('x86_64');
    await expect.poll(() => output.textContent()).toMatch(/^0x20 0x00 0x00 0x00000004/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('imports OCI for the chosen capabilities and kernel', async () => {
    const page = await openStudio(browser, studio.url);
    const dialog = await openImportDialog(page);
    await dialog.locator('input[type="radio"][value="oci"]').check();
    await dialog
      .locator('input[type="file"]')
      .setInputFiles(join(root, 'bench', 'profiles', 'docker-default.json'));
    const preview = dialog.getByLabel('Imported policy');
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('CAP_KILL');

    const caps = dialog.getByLabel('Container capabilities');
    await caps.fill('sys_admin');
    await expect
      .poll(() => preview.textContent())
      .toContain('# Container capabilities: CAP_SYS_ADMIN.');
    expect(await preview.textContent()).toMatch(/\bumount2\b/);
    await dialog.getByLabel('Host kernel version').fill('4.0');
    await expect.poll(() => preview.textContent()).toContain('needs kernel 4.8');
    await dialog.getByLabel('Host kernel version').fill('four');
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toContain('Host kernel: a version like 6.1, not "four"');
    expect(await dialog.getByRole('button', { name: 'Open as policy' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Host kernel version').fill('');
    await dialog.getByLabel('Host arch').selectOption('aarch64');
    await expect.poll(() => preview.textContent()).toContain('# Host: aarch64');
    await dialog.getByRole('button', { name: "Docker's default capabilities" }).click();
    expect(await caps.inputValue()).toContain('CAP_CHOWN');
    await expect.poll(() => preview.textContent()).toContain('CAP_AUDIT_WRITE.');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it.runIf(straceAvailable)('opens a real strace log as a trace in the event table', async () => {
    const page = await openStudio(browser, studio.url);
    const dialog = await openImportDialog(page);
    await dialog.locator('input[type="radio"][value="strace"]').check();

    // A malformed log: the error at its line, and nothing to open.
    await dialog.getByLabel('or paste the text').fill('123 getpid() = 123\nnot strace\n');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/^2:1error:/);
    const openAsTrace = dialog.getByRole('button', { name: 'Open as trace' });
    expect(await openAsTrace.isDisabled()).toBe(true);

    await dialog.locator('input[type="file"]').setInputFiles(straceLogPath);
    await expect
      .poll(() => dialog.getByLabel('Imported policy').textContent(), { timeout: 10_000 })
      .toContain('getdents64');
    expect(await seriousViolations(page)).toEqual([]);
    await openAsTrace.click();
    await expect.poll(() => dialog.count(), { timeout: 15_000 }).toBe(0);

    // The log's events, in the event table of a saved learn run.
    await expect
      .poll(() => page.getByTestId('opened-run').textContent(), { timeout: 15_000 })
      .toMatch(/Saved run \(read-only\): \/usr\/bin\/sh -c .* · learn/);
    await expect
      .poll(() => page.getByRole('tab', { name: 'Events', selected: true }).count())
      .toBe(1);
    const table = page.getByTestId('event-table');
    await expect.poll(() => table.textContent(), { timeout: 10_000 }).toContain('execve');
    expect(await table.locator('.event-body .type-syscall').count()).toBeGreaterThan(0);
    expect(await table.locator('.event-body .type-denied').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'strace-trace.png') });

    // Listed among the saved runs, marked as imported from strace.
    await page.getByRole('tab', { name: 'Saved runs' }).click();
    const row = page.getByTestId('saved-runs').locator('tbody tr').first();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('strace');
    expect(await row.textContent()).toContain('imported from the strace log sh.log');
    await page.close();
  });

  it.runIf(straceAvailable)(
    'opens an strace -y log of many megabytes as a trace, its paths in the event table',
    async () => {
      expect(statSync(bigLogPath).size).toBeGreaterThan(WEB_MAX_MESSAGE_BYTES);
      const page = await openStudio(browser, studio.url);
      const dialog = await openImportDialog(page);
      await dialog.locator('input[type="radio"][value="strace"]').check();
      await dialog.locator('input[type="file"]').setInputFiles(bigLogPath);
      await expect
        .poll(() => dialog.getByLabel('Imported policy').textContent(), { timeout: 60_000 })
        .toContain('getdents64');
      expect(await dialog.textContent()).toContain('Pointer arguments are 0 in it');

      // What the dialog says while it works, as it says it.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { statuses: string[] }).statuses = seen;
        new MutationObserver(() => {
          const status = document.querySelector('.ie-modal [role="status"]')?.textContent?.trim();
          if (status && seen.at(-1) !== status) seen.push(status);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      const statuses = () =>
        page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);

      // Cancelled: nothing saved, the dialog stays.
      const openAsTrace = dialog.getByRole('button', { name: 'Open as trace' });
      await openAsTrace.click();
      await dialog.getByRole('button', { name: 'Cancel import' }).click();
      await expect.poll(() => openAsTrace.isEnabled()).toBe(true);
      expect(await dialog.count()).toBe(1);

      await openAsTrace.click();
      await expect.poll(() => dialog.count(), { timeout: 90_000 }).toBe(0);
      const seen = await statuses();
      expect(
        seen.filter((s) => /^Sending the log… \d+ %$/.test(s)).length,
        seen.join('\n'),
      ).toBeGreaterThan(1);
      expect(seen).toContain('Sending the log… 100 %');

      await expect
        .poll(() => page.getByTestId('opened-run').textContent(), { timeout: 30_000 })
        .toMatch(/Saved run \(read-only\): \/usr\/bin\/find \/usr\/share \/usr\/lib .* · learn/);
      const table = page.getByTestId('event-table');
      // Path strings and what fds referred to (strace -y), as a live run shows them.
      await expect
        .poll(() => table.textContent(), { timeout: 30_000 })
        .toMatch(/openatAT_FDCWD<\/[^>]*>, "\/[^"]+", O_RDONLY/);
      expect(await table.textContent()).toMatch(/close\d+<\/usr\/lib\/[^>]+>/);

      // One saved run for this log: the cancelled import left none.
      await page.getByRole('tab', { name: 'Saved runs' }).click();
      const rows = page.getByTestId('saved-runs').locator('tbody tr', { hasText: 'find.log' });
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
      await page.close();
    },
  );
});
