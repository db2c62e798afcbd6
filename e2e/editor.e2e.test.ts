import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

// A typo (getpidd) to fix, a rule with argument checks to highlight, an arch to switch to.
const POLICY = `version: 1
name: Editor intelligence
target:
  command: [/bin/true]
linux:
  seccomp:
    arch: [x86_64, i386]
    default: kill-process
    rules:
      - allow: [read, write, exit_group, getpidd]
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - errno: EPERM
        syscalls: [openat]
`;

const enabled = process.platform === 'linux' && chromiumAvailable();

async function editorText(page: Page): Promise<string> {
  return ((await page.locator('.monaco-editor .view-lines').textContent()) ?? '').replace(
    /\s/g,
    ' ',
  );
}

/** The rendered token `text` on the editor line containing `line`. */
function token(page: Page, line: string, text: string) {
  return page
    .locator('.monaco-editor .view-line')
    .filter({ hasText: line })
    .locator('span span')
    .filter({ hasText: new RegExp(`^${text}$`) })
    .first();
}

/**
 * Clicks inside `text` on the editor line containing `line`, also where it is only part of a
 * token (a quoted condition is one): characters are of equal width in the editor's font.
 */
async function clickText(page: Page, line: string, text: string): Promise<void> {
  // The editor may re-render the line meanwhile (a diagnostic arriving): retry a few times.
  for (let attempt = 0; ; attempt++) {
    const span = page
      .locator('.monaco-editor .view-line')
      .filter({ hasText: line })
      .locator('span span')
      .filter({ hasText: text })
      .first();
    const box = await span.boundingBox();
    const content = (await span.textContent()) ?? '';
    const at = content.indexOf(text);
    if (box && at !== -1) {
      const width = box.width / content.length;
      await page.mouse.click(box.x + (at + text.length / 2) * width, box.y + box.height / 2);
      return;
    }
    if (attempt === 20) throw new Error(`no ${text} on the line with ${line}: ${content}`);
    await page.waitForTimeout(250);
  }
}

/** Serious and critical axe-core violations inside `selector`. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axe);
  return page.evaluate(async (scope) => {
    type Axe = {
      run(
        context: Element,
        options: object,
      ): Promise<{
        violations: {
          id: string;
          impact?: string | null;
          help: string;
          nodes: { target: string[] }[];
        }[];
      }>;
    };
    const element = document.querySelector(scope);
    if (!element) return [`${scope} is not on the page`];
    const result = await (window as unknown as { axe: Axe }).axe.run(element, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, selector);
}

describe.runIf(enabled)('editor intelligence and the compiled filter panel (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;

  beforeAll(async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ss-editor-'));
    writeFileSync(join(workspace, 'editor.sandbox.yaml'), POLICY);
    copyFileSync(join(root, 'examples', 'ls.sandbox.yaml'), join(workspace, 'ls.sandbox.yaml'));
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('hover, quick fix, and the filter of the rule at the cursor', async () => {
    const page = await browser.newPage({ viewport: { width: 1720, height: 960 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('editor.sandbox.yaml').first().click();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('getpidd');

    // Hover: the man page's signature and description.
    await token(page, 'syscalls: [openat]', 'openat').hover();
    const hover = page.locator('.monaco-hover').filter({ hasText: 'int openat(' });
    await expect
      .poll(() => hover.textContent(), { timeout: 10_000 })
      .toContain('open and possibly create a file');
    expect(await hover.textContent()).toContain('int openat(int dirfd, const char *pathname');
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');

    // Quick fix: the unknown syscall becomes the closest real one.
    await token(page, 'getpidd', 'getpidd').click();
    await page.keyboard.press('Control+.');
    await page.getByText('Change to getpid', { exact: true }).click();
    await expect.poll(() => editorText(page), { timeout: 5_000 }).toContain('exit_group, getpid]');
    expect(await editorText(page)).not.toContain('getpidd');

    // The compiled filter: disassembly, length, and the instructions of the rule at the cursor.
    await page.getByRole('button', { name: 'Compiled filter' }).click();
    const disasm = page.getByTestId('filter-disasm');
    await expect.poll(() => disasm.textContent(), { timeout: 10_000 }).toContain('A = arch');
    expect(await page.getByTestId('filter-stats').textContent()).toMatch(/^\d+ instructions/);
    await clickText(page, 'when:', 'TCGETS');
    const own = disasm.locator('li[data-highlight="own"]');
    await expect.poll(() => own.count(), { timeout: 5_000 }).toBeGreaterThan(2);
    const highlighted = (await own.allTextContents()).join('\n');
    expect(highlighted).toContain('args[1]');
    expect(highlighted).toContain('0x5401');
    expect(highlighted).toContain('ioctl');
    // Another rule, another set.
    await token(page, 'syscalls: [openat]', 'openat').click();
    await expect.poll(async () => (await own.allTextContents()).join('\n')).toContain('openat');
    expect((await own.allTextContents()).join('\n')).not.toContain('0x5401');
    await clickText(page, 'when:', 'TCGETS');
    await expect.poll(async () => (await own.allTextContents()).join('\n')).toContain('0x5401');
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(root, 'docs', 'screenshots', 'filter-panel.png') });

    // The decision tree of the other arch, with the same rule highlighted.
    await page.getByLabel('Arch').selectOption('i386');
    await expect.poll(() => disasm.textContent()).toContain('ARCH_I386');
    await page.getByRole('tab', { name: 'Graph' }).click();
    const graph = page.getByTestId('filter-graph');
    await expect.poll(() => graph.locator('[data-highlight="own"]').count()).toBeGreaterThan(1);
    expect(await graph.textContent()).toContain('arch == ARCH_I386');
    // Wider, from the keyboard: the panel's left edge is a separator.
    const panel = page.getByTestId('filter-panel');
    const narrow = (await panel.boundingBox())!.width;
    await page.getByRole('separator', { name: 'Resize the compiled filter panel' }).focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await panel.boundingBox())!.width).toBeGreaterThan(narrow + 20);
    // And the editor pane wider than the run panel, for the picture.
    await page.locator('.workspace > [role="separator"]').focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.screenshot({ path: join(root, 'docs', 'screenshots', 'filter-graph.png') });

    expect(await seriousViolations(page, '[data-testid="filter-panel"]')).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('completes constants and arguments inside a condition', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('editor.sandbox.yaml').first().click();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('FIONREAD');
    // Put the cursor after "FIONREAD" and add a constant by its prefix.
    await clickText(page, 'FIONREAD', 'FIONREAD');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft'); // before the closing quote
    await page.keyboard.press('ArrowLeft'); // before the closing brace
    await page.keyboard.type(', TIOCGWIN');
    const suggest = page.locator('.suggest-widget');
    await expect.poll(() => suggest.textContent(), { timeout: 10_000 }).toContain('TIOCGWINSZ');
    await page.keyboard.press('Enter');
    await expect.poll(() => editorText(page)).toContain('{TCGETS, FIONREAD, TIOCGWINSZ}');
  });

  it('narrows an allowed syscall to the argument values the last run saw', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('ls.sandbox.yaml').first().click();
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('/bin/ls');
    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    const allow = page.getByRole('button', { name: 'Allow observed', exact: true });
    await expect.poll(() => allow.isEnabled(), { timeout: 30_000 }).toBe(true);
    await allow.click();
    // ls asks whether stdout is a terminal: ioctl(1, TCGETS), now allowed for any request.
    await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain('ioctl');
    await clickText(page, 'ioctl', 'ioctl');
    await page.keyboard.press('Control+.');
    const fix = page.getByText(/^Allow ioctl only when arg1 (==|in) /);
    await expect.poll(() => fix.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await fix.first().click();
    await expect
      .poll(() => editorText(page), { timeout: 5_000 })
      .toMatch(/- allow: ioctl\s+when: "arg1 (==|in) [^"]*TCGETS/);
    await expect
      .poll(() => page.getByRole('contentinfo').textContent(), { timeout: 5_000 })
      .toMatch(/✕\s*0|×\s*0|0 errors/);
  });
});
