import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunFileHeader, parseRunFileLine } from '../app/trace/run-file';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

const COMMAND = `[/bin/sh, -c, "ls / > /dev/null; cat /etc/hostname; echo done"]`;
/** Learn: every syscall is reported, nothing is stopped. */
const LEARN = `version: 1
name: trace views, learning
target:
  command: ${COMMAND}
linux:
  seccomp:
    default: errno EPERM
    rules: []
`;
/** Check: everything runs except openat, which fails with EACCES. */
const CHECK = `version: 1
name: trace views, openat denied
target:
  command: ${COMMAND}
linux:
  seccomp:
    default: allow
    rules:
      - errno: EACCES
        syscalls: [openat]
`;

const SHOTS = join(root, 'docs', 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core findings (WCAG 2.1 A/AA) inside the trace views. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    type Axe = {
      run(
        context: Element,
        options: object,
      ): Promise<{
        violations: { id: string; impact?: string | null; nodes: { target: string[] }[] }[];
      }>;
    };
    const axe = (window as unknown as { axe: Axe }).axe;
    const views = document.querySelector('.trace-views');
    if (!views) return ['no .trace-views in the page'];
    const { violations } = await axe.run(views, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
const enabled = process.platform === 'linux' && chromiumAvailable();

async function openPolicy(page: Page, name: string, expected: string): Promise<void> {
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByText(name).first().click();
  // Monaco renders spaces as no-break spaces.
  const text = async () =>
    ((await page.locator('.monaco-editor').textContent()) ?? '').replace(/\s/g, ' ');
  await expect.poll(text, { timeout: 15_000 }).toContain(expected);
}

/** The run panel scrolls: bring the trace views into the screenshot. */
async function showTraceViews(page: Page, block: 'start' | 'end' = 'end'): Promise<void> {
  await page
    .locator('.trace-views')
    .evaluate((element, at) => element.scrollIntoView({ block: at }), block);
}

async function runAndWait(page: Page, mode: 'Learn' | 'Check'): Promise<void> {
  const button = page.getByRole('button', { name: mode, exact: true });
  await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
  await button.click();
  await expect
    .poll(() => page.getByRole('status').first().textContent(), { timeout: 30_000 })
    .toMatch(/exited|failed/);
}

/** The texts of the event table's body rows now in the DOM. */
async function tableRows(page: Page): Promise<string[]> {
  return page.getByTestId('event-table').locator('.event-body [role="row"]').allTextContents();
}

describe.runIf(enabled)('trace views in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;
  let workspace: string;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ss-trace-e2e-'));
    writeFileSync(join(workspace, 'learn.sandbox.yaml'), LEARN);
    writeFileSync(join(workspace, 'check.sandbox.yaml'), CHECK);
    mkdirSync(SHOTS, { recursive: true });
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
    page = await browser.newPage({
      viewport: { width: 1500, height: 1200 },
      acceptDownloads: true,
    });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(studio.url);
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('filters the events by syscall, verdict and pid, with decoded arguments', async () => {
    await openPolicy(page, 'learn.sandbox.yaml', 'trace views, learning');
    await runAndWait(page, 'Learn');

    await page.getByLabel('Only this syscall').fill('openat');
    await expect
      .poll(async () => (await tableRows(page)).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const rows = await tableRows(page);
    expect(rows.every((row) => row.includes('openat'))).toBe(true);
    // Flags by name and the directory fd: decoded from the raw arguments.
    expect(rows.some((row) => row.includes('AT_FDCWD') && row.includes('O_RDONLY'))).toBe(true);
    const counts = await page.locator('.event-counts').textContent();
    expect(counts).toMatch(/^\d[\d,]* of [\d,]+ events/);

    await page.getByLabel('Verdict or event type').selectOption('denied');
    await expect
      .poll(() => page.getByTestId('event-table').textContent())
      .toContain('No event matches');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Verdict or event type').selectOption('processes');
    await expect.poll(async () => (await tableRows(page)).join('\n')).toMatch(/exec/);
    const pid = (
      await page
        .getByTestId('event-table')
        .locator('.event-body .type-exec .cell-pid')
        .first()
        .textContent()
    )?.trim();
    expect(pid).toMatch(/^\d+$/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Only this pid').fill(pid!);
    await expect
      .poll(async () => {
        const shown = await tableRows(page);
        return shown.length > 0 && shown.every((row) => row.includes(pid!));
      })
      .toBe(true);
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('groups the events by syscall and expands a group into its events', async () => {
    await page.getByRole('button', { name: 'Group by syscall' }).click();
    const grouped = page.getByTestId('grouped-table');
    await expect.poll(() => grouped.isVisible()).toBe(true);
    const openat = grouped.getByRole('row').filter({ hasText: /^▸ openat/ });
    await expect.poll(() => openat.count()).toBe(1);
    expect(await openat.textContent()).toMatch(/openat\d/);
    await openat.click();
    await expect.poll(() => grouped.locator('.group-event').count()).toBeGreaterThan(0);
    expect(await grouped.locator('.group-event').first().textContent()).toContain('AT_FDCWD');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Group by syscall' }).click();
    await expect.poll(() => grouped.count()).toBe(0);
  });

  it('draws the histogram and the timeline', async () => {
    await page.getByRole('tab', { name: 'Histogram' }).click();
    const histogram = page.getByTestId('histogram');
    await expect.poll(() => histogram.locator('canvas').count(), { timeout: 10_000 }).toBe(1);
    expect(await histogram.getByRole('img').getAttribute('aria-label')).toMatch(
      /Histogram of \d+ syscalls/,
    );
    await showTraceViews(page);
    await page.screenshot({ path: join(SHOTS, 'histogram.png') });
    expect(await accessibilityProblems(page)).toEqual([]);

    // A click on the top bar (the most frequent syscall) lists its events.
    const bars = Number(
      /of (\d+) syscalls/.exec(
        (await histogram.getByRole('img').getAttribute('aria-label')) ?? '',
      )?.[1],
    );
    const over = (await histogram.locator('.u-over').boundingBox())!;
    await page.mouse.click(over.x + 20, over.y + over.height / bars / 2);
    await expect
      .poll(() => page.getByRole('tab', { name: 'Events', selected: true }).count())
      .toBe(1);
    const picked = await page.getByLabel('Only this syscall').inputValue();
    expect(picked).toMatch(/^[a-z_0-9]+$/);
    await expect
      .poll(async () => (await tableRows(page)).every((row) => row.includes(picked)))
      .toBe(true);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('tab', { name: 'Histogram' }).click();

    await page.getByRole('tab', { name: 'Timeline' }).click();
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.locator('canvas').count(), { timeout: 10_000 }).toBe(1);
    expect(await timeline.getByRole('img').getAttribute('aria-label')).toMatch(
      /Timeline of [1-9]\d* processes/,
    );
  });

  it('saves each run, reopens one, compares two and exports one', async () => {
    await page.getByRole('tab', { name: 'Events' }).click();
    await openPolicy(page, 'check.sandbox.yaml', 'openat denied');
    await runAndWait(page, 'Check');
    await expect
      .poll(() => page.getByTestId('event-table').textContent())
      .toContain('errno EACCES');

    // The timeline marks the denials.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await expect
      .poll(() => page.getByTestId('timeline').getByRole('img').getAttribute('aria-label'))
      .toMatch(/, [1-9]\d* denials$/);
    await showTraceViews(page);
    await page.screenshot({ path: join(SHOTS, 'timeline.png') });
    expect(await accessibilityProblems(page)).toEqual([]);

    // Both runs were streamed to the workspace's runs folder.
    const runsDir = join(workspace, '.sandbox-studio', 'runs');
    const files = readdirSync(runsDir).sort();
    expect(files).toHaveLength(2);
    const learnFile = readFileSync(join(runsDir, files[0]!), 'utf8').trimEnd().split('\n');
    expect(parseRunFileHeader(learnFile[0]!)).toMatchObject({
      mode: 'learn',
      policyName: 'trace views, learning',
    });
    expect(parseRunFileLine(learnFile.at(-1)!, learnFile.length).kind).toBe('end');

    await page.getByRole('tab', { name: 'Saved runs' }).click();
    const saved = page.getByTestId('saved-runs');
    await expect.poll(() => saved.locator('tbody tr').count(), { timeout: 10_000 }).toBe(2);
    expect(await accessibilityProblems(page)).toEqual([]);

    // Reopen the learn run: its events replace the check run's in the table.
    await saved.getByRole('button', { name: /^Open trace views, learning/ }).click();
    await expect
      .poll(() => page.getByTestId('opened-run').textContent(), { timeout: 15_000 })
      .toMatch(/Saved run \(read-only\): trace views, learning · learn/);
    await expect
      .poll(() => page.getByRole('tab', { name: 'Events', selected: true }).count())
      .toBe(1);
    // The learn run's events: its syscalls were reported, none denied.
    await expect
      .poll(() => page.locator('.event-counts').textContent())
      .toMatch(new RegExp(`^${(learnFile.length - 2).toLocaleString('en-US')} events`));
    expect(await page.getByTestId('event-table').locator('.event-body .type-denied').count()).toBe(
      0,
    );
    expect(
      await page.getByTestId('event-table').locator('.event-body .type-syscall').count(),
    ).toBeGreaterThan(0);

    // Compare the two runs.
    await page.getByRole('tab', { name: 'Saved runs' }).click();
    for (const box of await saved.getByRole('checkbox').all()) await box.check();
    await saved.getByRole('button', { name: /^Compare 2\/2/ }).click();
    const compare = page.getByTestId('compare-view');
    await expect.poll(() => compare.textContent(), { timeout: 10_000 }).toContain('differences');
    const openatRow = compare.locator('tbody tr').filter({ hasText: 'denied (errno EACCES)' });
    expect(await openatRow.first().textContent()).toContain('new in B');
    expect(await compare.textContent()).toMatch(
      /openat: not allowed yet → denied \(errno EACCES\)/,
    );
    await showTraceViews(page, 'start');
    await page.screenshot({ path: join(SHOTS, 'compare.png') });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });

    // Export: the file itself, as a download.
    await compare.getByRole('button', { name: 'Back to saved runs' }).click();
    const downloading = page.waitForEvent('download');
    await saved.getByRole('button', { name: /^Export trace views, openat denied/ }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(files[1]);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toBe(readFileSync(join(runsDir, files[1]!), 'utf8'));
    expect(consoleErrors).toEqual([]);
  });
});
