import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceEvent } from '../app/trace/events';
import { chromiumAvailable, launchChromium, root, startWebStudio, type WebStudio } from './helpers';

/** A program whose terminal, file-descriptor, socket and memory calls have arguments worth narrowing. */
const SCRIPT =
  "import fcntl, socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.close(); print(fcntl.fcntl(1, fcntl.F_GETFD)); print('ok')";

/** Left out of the allow list so that a check run denies them (errno: the program goes on). */
const WITHHELD = new Set(['ioctl', 'fcntl', 'socket', 'mprotect']);

function policy(rules: string, defaultAction: string): string {
  return `version: 1
name: Iterate until clean
target:
  command: [/usr/bin/python3, -c, "${SCRIPT}"]
linux:
  no_new_privs: true
  seccomp:
    arch: [x86_64]
    default: ${defaultAction}
    # The first rule that lists a syscall decides.
    rules:${rules}
`;
}

/** What the target uses, learned with the CLI, so the policy fits this machine's python3. */
function learnedSyscalls(workspace: string): string[] {
  const seed = join(workspace, 'seed.sandbox.yaml');
  writeFileSync(seed, policy(' []', 'kill-process'));
  // learn exits 1 when it found syscalls not allowed yet: that is the point here.
  const learn = spawnSync(
    process.execPath,
    [join(root, 'dist/main/cli.mjs'), 'learn', seed, '--json'],
    { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const out = learn.stdout ?? '';
  const names = new Set<string>();
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const event = TraceEvent.parse(JSON.parse(line));
    if (event.type === 'syscall') names.add(event.name);
  }
  return [...names];
}

async function verdictText(page: Page): Promise<string> {
  return (await page.getByTestId('verdict').textContent()) ?? '';
}

const enabled = process.platform === 'linux' && chromiumAvailable() && hasPython();

function hasPython(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'pass']);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(enabled)('the iterate-until-clean loop in web mode (Chromium)', () => {
  let browser: Browser;
  let studio: WebStudio;
  let workspace: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ss-e2e-proposals-'));
    const allowed = learnedSyscalls(workspace).filter((name) => !WITHHELD.has(name));
    expect(allowed).toContain('execve');
    writeFileSync(
      join(workspace, 'iterate.sandbox.yaml'),
      policy(`\n      - allow: [${allowed.join(', ')}]`, 'errno EPERM'),
    );
    studio = await startWebStudio(workspace);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('check with denials → proposals → accept → check again (F6) until clean', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(studio.url);

    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('iterate.sandbox.yaml').first().click();
    await expect
      .poll(() => page.locator('.monaco-editor').textContent(), { timeout: 15_000 })
      .toContain('python3');

    const check = page.getByRole('button', { name: 'Check', exact: true });
    await expect.poll(() => check.isEnabled(), { timeout: 15_000 }).toBe(true);
    await check.click();

    const panel = page.getByTestId('proposals');
    const proposals = panel.getByTestId('proposal');
    let mostProposals = 0;
    let exercisedControls = false;
    for (let round = 0; round < 8; round++) {
      await expect
        .poll(() => verdictText(page), { timeout: 30_000 })
        .toMatch(/ran cleanly|denied|exited|killed/);
      if ((await verdictText(page)).includes('ran cleanly')) break;

      await expect.poll(() => proposals.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      const text = (await panel.textContent()) ?? '';
      expect(text).toMatch(/low risk|medium risk|high risk/);

      if (!exercisedControls) {
        exercisedControls = true;
        // Reject with R, then bring it back.
        await proposals.first().focus();
        await page.keyboard.press('r');
        await expect.poll(() => panel.getByText(/Rejected \(1\)/).count()).toBe(1);
        await panel.getByText(/Rejected \(1\)/).click();
        await panel.getByRole('button', { name: 'Restore' }).click();
        await expect.poll(() => panel.getByText(/Rejected \(/).count()).toBe(0);
        // E opens the rule in an inline field, checked as you type; Escape leaves it.
        await proposals.first().focus();
        await page.keyboard.press('e');
        const field = panel.getByRole('textbox');
        await expect.poll(() => field.count()).toBe(1);
        await field.fill('allow: [');
        await expect
          .poll(() => panel.locator('.rule-draft-message').textContent())
          .toMatch(/not valid YAML|rule line/);
        await field.press('Escape');
        await expect.poll(() => field.count()).toBe(0);
      }

      // The screenshot shows the round with the most proposals.
      const count = await proposals.count();
      if (count >= mostProposals) {
        mostProposals = count;
        mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
        await page.screenshot({ path: join(root, 'docs', 'screenshots', 'proposals.png') });
      }

      const acceptLow = panel.getByRole('button', { name: /Accept all low-risk/ });
      if (await acceptLow.isEnabled()) await acceptLow.click();
      // Whatever is left (not low risk) is accepted one by one with the A key.
      for (let left = 0; left < 20; left++) {
        await page.waitForTimeout(200);
        if ((await panel.getByText('Every proposal is handled').count()) > 0) break;
        const first = proposals.first();
        if ((await first.count()) === 0) continue;
        await first.focus();
        await page.keyboard.press('a');
      }
      await expect
        .poll(() => panel.getByText('Every proposal is handled').count(), { timeout: 10_000 })
        .toBe(1);

      // One key runs the check again; the new run starts a new round of proposals.
      await page.keyboard.press('F6');
      await expect.poll(() => panel.count(), { timeout: 10_000 }).toBe(0);
    }

    await expect.poll(() => verdictText(page), { timeout: 30_000 }).toContain('ran cleanly');
    expect(mostProposals).toBeGreaterThan(0);
    const editor = ((await page.locator('.monaco-editor').textContent()) ?? '').replace(/\s/g, ' ');
    expect(editor).toMatch(/when: /);
    expect(await panel.count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  }, 240_000);
});
