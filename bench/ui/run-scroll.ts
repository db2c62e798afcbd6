import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserType, Page } from 'playwright-core';
import type { TraceEvent } from '../../app/trace/events';
import { syntheticTrace as plainSyntheticTrace } from '../trace/synthetic-trace';
import { recordLearnEvents } from '../whatif/record';
import { benchTrace } from './bench-trace';
import { textFilterFor } from './filter-text';
import { frameIntervals } from './frame-stats';
import { parseScrollBenchArgs, type ScrollBenchOptions } from './options';
import { scrollInPage, type PageMeasurement } from './page-measure';
import { writeSavedRun } from './saved-run-file';
import { scrollPlan } from './scroll-plan';
import {
  formatScrollJson,
  formatScrollReport,
  type RunMeasurement,
  type ScrollBenchResult,
  type ViewMeasurement,
} from './scroll-report';
import { startWebStudio } from './web-studio';

const CHROMIUM = '/usr/bin/chromium';
const COMMAND = ['/usr/bin/python3', '-c', 'import json'];
/** The event table's row height (renderer/components/event-table/EventTable.tsx ROW_HEIGHT). */
const ROW_HEIGHT = 22;
const FLAT = '[data-testid="event-table"] .event-body';
const GROUPED = '[data-testid="grouped-table"] .event-body';
const OPEN_TIMEOUT_MS = 15 * 60_000;

export interface ScrollBenchArgs {
  readonly root: string;
  readonly argv: readonly string[];
}

/**
 * `npm run bench -- --only scroll`: saves a 1,000,000-event run and a 1,000-event reference in a
 * workspace, serves it in web mode, opens each through the Saved runs tab in Chromium and scrolls
 * the event table (flat, with a text filter, grouped with the largest group expanded) one
 * scrollTop per animation frame, timing the frames in the page. Returns the exit status.
 */
export async function runScrollBenchmark({ root, argv }: ScrollBenchArgs): Promise<number> {
  const options = parseScrollBenchArgs(argv);
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`scroll: ${CHROMIUM} is missing (apt-get install chromium)\n`);
    return 1;
  }
  const { events: recorded, trace } = recordedEvents(root);
  const workspace = mkdtempSync(join(tmpdir(), 'bench-scroll-'));
  const runsDir = join(workspace, '.sandbox-studio', 'runs');
  try {
    const runs = await saveRuns(runsDir, recorded, options);
    process.stderr.write('scroll: starting the web studio and Chromium...\n');
    const studio = await startWebStudio(root, workspace);
    const browser = await launch(root);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('crash', () => process.stderr.write('scroll: the page CRASHED (out of memory?)\n'));
      await page.goto(studio.url);
      const filterText = textFilterFor(recorded);
      const reference = await measureRun(page, runs.reference, options, filterText);
      const large = await measureRun(page, runs.large, options, filterText);
      if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
      const result: ScrollBenchResult = {
        trace,
        browser: `Chromium ${browser.version()} (headless, --disable-gpu)`,
        frames: options.frames,
        step: options.step,
        large,
        reference,
      };
      process.stdout.write(
        `${options.json ? formatScrollJson(result) : formatScrollReport(result)}\n`,
      );
      return 0;
    } finally {
      await browser.close();
      await studio.close();
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

function recordedEvents(root: string): { events: TraceEvent[]; trace: string } {
  process.stderr.write(`scroll: recording ${COMMAND.join(' ')} in learn mode...\n`);
  try {
    const events = recordLearnEvents(root, COMMAND);
    return {
      events,
      trace: `learn --json of ${COMMAND.join(' ')} (${events.length} events), syscalls repeated with pointers moved`,
    };
  } catch (error) {
    // Without a working supervisor the table can still be measured, on generated events.
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`scroll: recording failed (${why}); using generated events\n`);
    return {
      events: plainSyntheticTrace(10_000),
      trace: 'generated (bench/trace/synthetic-trace.ts: 40 syscalls, 20 processes)',
    };
  }
}

interface SavedRun {
  readonly id: string;
  readonly title: string;
  readonly events: number;
}

async function saveRuns(
  dir: string,
  recorded: readonly TraceEvent[],
  options: ScrollBenchOptions,
): Promise<{ large: SavedRun; reference: SavedRun }> {
  const save = async (count: number, runId: string): Promise<SavedRun> => {
    process.stderr.write(`scroll: writing a saved run of ${count} events...\n`);
    const title = `scroll bench ${count} events`;
    const events = benchTrace(recorded, count);
    const id = await writeSavedRun({ dir, runId, name: title, command: COMMAND, events });
    return { id, title, events: count };
  };
  // Distinct start seconds are not needed: the run ids differ.
  const reference = await save(options.referenceEvents, 'reference');
  const large = await save(options.events, 'large');
  return { large, reference };
}

/**
 * playwright-core from the project's node_modules: the bench runs bundled from a temporary folder,
 * and bundling playwright-core itself breaks its lazy requires.
 */
function launch(root: string): Promise<Browser> {
  const { chromium } = createRequire(join(root, 'package.json'))('playwright-core') as {
    chromium: BrowserType;
  };
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

async function measureRun(
  page: Page,
  run: SavedRun,
  options: ScrollBenchOptions,
  filterText: string,
): Promise<RunMeasurement> {
  process.stderr.write(`scroll: opening the ${run.events}-event run...\n`);
  const openMs = await openSavedRun(page, run);
  const heapBytes = await jsHeapBytes(page);
  const views: ViewMeasurement[] = [];
  views.push(await measureView(page, FLAT, 'flat', options));

  const filterStart = Date.now();
  await page.getByLabel('Filter events').fill(filterText);
  await waitFor(page, async () => /^[\d,]+ of /.test(await countsText(page)), 120_000);
  const filterMs = Date.now() - filterStart;
  views.push(await measureView(page, FLAT, `filtered "${filterText}"`, options));
  await page.getByLabel('Filter events').fill('');
  await waitFor(page, async () => !/ of /.test(await countsText(page)), 120_000);

  await page.getByRole('button', { name: 'Group by syscall' }).click();
  const firstGroup = page.locator(`${GROUPED} .group-row`).first();
  await firstGroup.waitFor({ timeout: 120_000 });
  const label = ((await firstGroup.locator('.cell-name').textContent()) ?? '').replace('▸', '');
  await firstGroup.click();
  await page.locator(`${GROUPED} .group-event`).first().waitFor({ timeout: 120_000 });
  views.push(await measureView(page, GROUPED, `grouped, ${label.trim()} expanded`, options));
  // Only rows near the viewport exist: back at the top, the first group's row is there again.
  await page.locator(GROUPED).evaluate((element) => {
    element.scrollTop = 0;
  });
  await firstGroup.click({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Group by syscall' }).click();
  return { events: run.events, openMs, heapBytes, filterMs, views };
}

async function openSavedRun(page: Page, run: SavedRun): Promise<number> {
  await page.getByRole('tab', { name: 'Saved runs' }).click();
  const saved = page.getByTestId('saved-runs');
  const open = saved.getByRole('button', { name: new RegExp(`^Open ${run.title}\\b`) });
  await open.waitFor({ timeout: 30_000 });
  const start = Date.now();
  await open.click();
  const total = run.events.toLocaleString('en-US');
  await waitFor(
    page,
    async () => (await textOf(page, '[data-testid="opened-run"]')).includes('read-only'),
    OPEN_TIMEOUT_MS,
  );
  await waitFor(page, async () => (await countsText(page)).startsWith(`${total} event`), 60_000);
  const openMs = Date.now() - start;
  await page.getByRole('tab', { name: 'Events' }).click();
  return openMs;
}

async function measureView(
  page: Page,
  scroller: string,
  view: string,
  options: ScrollBenchOptions,
): Promise<ViewMeasurement> {
  const body = page.locator(scroller);
  await body.waitFor({ timeout: 60_000 });
  await body.evaluate((element) => element.scrollIntoView({ block: 'end' }));
  const size = await body.evaluate((element) => ({
    maxScroll: element.scrollHeight - element.clientHeight,
    height: element.scrollHeight,
  }));
  const phases = scrollPlan({
    maxScroll: size.maxScroll,
    frames: options.frames,
    step: options.step,
  });
  const intervals: number[] = [];
  let blankFrames = 0;
  let longTasks = 0;
  let longAnimationFrames: number | null = 0;
  for (const phase of phases) {
    // A quiet frame or two between phases: React settles, the next phase starts clean.
    await page.evaluate(() => new Promise((done) => setTimeout(done, 200)));
    const measured: PageMeasurement = await page.evaluate(scrollInPage, {
      scroller,
      rowHeight: ROW_HEIGHT,
      positions: phase.positions,
    });
    intervals.push(...frameIntervals(measured.timestamps));
    blankFrames += measured.blankFrames;
    longTasks += measured.longTasks.length;
    longAnimationFrames =
      measured.longAnimationFrames === null || longAnimationFrames === null
        ? null
        : longAnimationFrames + measured.longAnimationFrames.length;
  }
  process.stderr.write(`scroll:   measured ${view}\n`);
  return {
    view,
    rows: Math.round(size.height / ROW_HEIGHT),
    intervals,
    blankFrames,
    longTasks,
    longAnimationFrames,
  };
}

/** The page's used JS heap (Chromium's performance.memory). */
function jsHeapBytes(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    return memory ? memory.usedJSHeapSize : null;
  });
}

function countsText(page: Page): Promise<string> {
  return textOf(page, '.event-counts');
}

/**
 * The element's text, '' while it is not in the page. No locator: its 30 s auto-wait would fail
 * while the page is busy taking a million events, which is not an error.
 */
function textOf(page: Page, selector: string): Promise<string> {
  return page.evaluate((css) => (document.querySelector(css)?.textContent ?? '').trim(), selector);
}

async function waitFor(
  page: Page,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}
