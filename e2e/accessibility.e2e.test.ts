import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** What axe reports per violated rule, kept short enough to read in a failing test's diff. */
interface Finding {
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules, plus best practices) on the page as it is and returns
 * the serious and critical violations. axe is evaluated through the DevTools protocol, which the
 * page's Content-Security-Policy does not govern, so the CSP stays as shipped.
 */
async function seriousViolations(page: Page): Promise<Finding[]> {
  await page.evaluate(AXE_SOURCE);
  const findings = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeApi }).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    }));
  });
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

interface AxeApi {
  run(
    context: Document,
    options: object,
  ): Promise<{
    violations: {
      id: string;
      impact?: string | null;
      help: string;
      nodes: { target: string[]; failureSummary?: string }[];
    }[];
  }>;
}

const enabled = process.platform === 'linux' && chromiumAvailable();

async function editorText(page: Page): Promise<string> {
  return ((await page.locator('.monaco-editor .view-lines').textContent()) ?? '').replace(
    /\s/g,
    ' ',
  );
}

describe.runIf(enabled)('accessibility (axe-core, Chromium, web mode)', () => {
  let browser: Browser;
  let studio: WebStudio;

  beforeAll(async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ss-a11y-'));
    copyFileSync(join(root, 'examples', 'ls.sandbox.yaml'), join(workspace, 'ls.sandbox.yaml'));
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  for (const colorScheme of ['dark', 'light'] as const) {
    it(`has no serious violations in the main states, ${colorScheme} theme`, async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      page.on('dialog', (dialog) => void dialog.accept());
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      await page.goto(studio.url);
      await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
      const learn = page.getByRole('button', { name: 'Learn', exact: true });
      await expect.poll(() => learn.isEnabled(), { timeout: 15_000 }).toBe(true);

      const report: Record<string, Finding[]> = {};
      report.empty = await seriousViolations(page);

      // A dialog open: the web-mode file picker.
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await expect.poll(() => page.getByRole('listbox', { name: 'Policy files' }).count()).toBe(1);
      report.dialog = await seriousViolations(page);
      await page.getByText('ls.sandbox.yaml').first().click();
      await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('/bin/ls');

      // After a learn run: the event table, the verdict, the process tree.
      await learn.click();
      const allow = page.getByRole('button', { name: 'Allow observed', exact: true });
      await expect.poll(() => allow.isEnabled(), { timeout: 30_000 }).toBe(true);
      // The end of a run re-lays out the run panel (verdict, proposals, what-if): let it settle,
      // since axe samples each element's background from what is painted under it.
      await expect.poll(() => page.locator('.verdict').count(), { timeout: 15_000 }).toBe(1);
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
      report.afterLearn = await seriousViolations(page);

      // The command palette, with a query that highlights matches.
      await page.keyboard.press('Control+Shift+P');
      await page.keyboard.type('al');
      await expect
        .poll(() => page.getByRole('dialog', { name: 'Command palette' }).count())
        .toBe(1);
      report.palette = await seriousViolations(page);
      await page.keyboard.press('Escape');

      // The Lessons panel beside the editor: a lesson with its goal, a step and its hint.
      await page.keyboard.press('Shift+Alt+G');
      const lessons = page.getByRole('complementary', { name: 'Lessons' });
      await lessons.getByRole('button', { name: /^Lesson 1: / }).click();
      const hint = lessons.getByRole('button', { name: 'Show hint' });
      if ((await hint.count()) > 0) await hint.click();
      report.lessons = await seriousViolations(page);
      await page.keyboard.press('Escape');
      await expect.poll(() => lessons.count()).toBe(0);

      // A recovered draft offered after a reload.
      await page.locator('.monaco-editor .view-lines').click();
      await page.keyboard.type('# edit ');
      await expect
        .poll(() => page.evaluate(() => localStorage.getItem('sandbox-studio.draft') !== null))
        .toBe(true);
      await page.reload();
      const notice = page.getByRole('region', { name: 'Recovered unsaved changes' });
      await expect.poll(() => notice.count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('version: 1');
      report.draftNotice = await seriousViolations(page);

      expect(report).toEqual({
        empty: [],
        dialog: [],
        afterLearn: [],
        palette: [],
        lessons: [],
        draftNotice: [],
      });
      await page.close();
    });
  }
});
