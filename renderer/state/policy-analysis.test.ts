import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import { createDocumentStore, selectHasErrors } from './document-store';
import { IncludeCache, type IncludeResult } from './include-cache';
import { analyzePolicy, startPolicyAnalysis, type ParsePolicy } from './policy-analysis';

const VALID = `version: 1
target: { command: [/bin/true] }
linux:
  seccomp:
    default: kill-process
    rules: []
`;

describe('policy analysis', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('analyzes the first text at once', () => {
    const store = createDocumentStore(VALID);
    const stop = startPolicyAnalysis(store, parsePolicy);
    expect(store.getState().analysis.text).toBe(VALID);
    expect(store.getState().analysis.policy?.linux.seccomp?.rules).toEqual([]);
    stop();
  });

  it('waits for typing to pause (debounced) before parsing again', () => {
    const parse = vi.fn<ParsePolicy>(parsePolicy);
    const store = createDocumentStore(VALID);
    const stop = startPolicyAnalysis(store, parse, { delayMs: 150 });
    expect(parse).toHaveBeenCalledTimes(1);
    store.getState().setText(`${VALID}#1`);
    vi.advanceTimersByTime(100);
    store.getState().setText(`${VALID}#12`);
    vi.advanceTimersByTime(100);
    expect(parse).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60);
    expect(parse).toHaveBeenCalledTimes(2);
    expect(store.getState().analysis.text).toBe(`${VALID}#12`);
    stop();
  });

  it('analyzes an outside change (a file opened) without waiting for typing', () => {
    const store = createDocumentStore(VALID);
    const stop = startPolicyAnalysis(store, parsePolicy, { delayMs: 150 });
    store.getState().opened({ handle: 'h', name: 'bad.sandbox.yaml', text: 'version: [' });
    vi.advanceTimersByTime(0);
    const { analysis } = store.getState();
    expect(analysis.text).toBe('version: [');
    expect(analysis.policy).toBeUndefined();
    expect(analysis.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    stop();
  });

  it('stops listening when stopped', () => {
    const parse = vi.fn<ParsePolicy>(parsePolicy);
    const store = createDocumentStore(VALID);
    startPolicyAnalysis(store, parse)();
    store.getState().setText('x');
    vi.runAllTimers();
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('turns a throwing parser into an error diagnostic', () => {
    const analysis = analyzePolicy(() => {
      throw new Error('boom');
    }, 'text');
    expect(analysis.policy).toBeUndefined();
    expect(analysis.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'internal-error' }),
    ]);
    expect(analysis.diagnostics[0]?.message).toContain('boom');
  });
});

const MAIN = `version: 1
include: [base.yaml]
target: { command: [/bin/true] }
`;
const BASE = 'version: 1\nlinux: {seccomp: {rules: [{allow: [getpid]}]}}\n';

/** A backend with files per path; every request is recorded and answered in a microtask. */
function backend(files: Record<string, IncludeResult>) {
  const requests: string[] = [];
  const includes = new IncludeCache((handle, path) => {
    requests.push(`${handle} ${path}`);
    return Promise.resolve(files[path] ?? { error: 'no such file or directory (ENOENT)' });
  });
  return { includes, requests, files };
}

const describeAll = (store: ReturnType<typeof createDocumentStore>) =>
  store.getState().analysis.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);

describe('policy analysis with includes', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function openedStore(name = 'main.sandbox.yaml', text = MAIN) {
    const store = createDocumentStore('version: 1\n');
    store.getState().opened({ handle: 'h1', name, text });
    return store;
  }

  it('shows an include as loading (not an error), then parses again with the file', async () => {
    const { includes, requests } = backend({ 'base.yaml': BASE });
    const store = openedStore();
    const stop = startPolicyAnalysis(store, parsePolicy, { includes });
    expect(describeAll(store)).toEqual(['info include-loading: reading base.yaml…']);
    // Not runnable until the file is in, but not marked as an error either.
    expect(selectHasErrors(store.getState())).toBe(true);
    await vi.runAllTimersAsync();
    expect(requests).toEqual(['h1 base.yaml']);
    expect(describeAll(store)).toEqual([]);
    const rules = store.getState().analysis.policy?.linux.seccomp?.rules ?? [];
    expect(rules.map((r) => r.syscalls[0]?.name)).toEqual(['getpid']);
    expect(selectHasErrors(store.getState())).toBe(false);
    stop();
  });

  it("asks for paths relative to the document's folder, nested ones too", async () => {
    const { includes, requests } = backend({
      'lib/a.yaml': 'version: 1\ninclude: [../b.yaml]\n',
      'b.yaml': BASE,
    });
    const store = openedStore('sub/main.sandbox.yaml', MAIN.replace('base.yaml', 'lib/a.yaml'));
    const stop = startPolicyAnalysis(store, parsePolicy, { includes });
    await vi.runAllTimersAsync();
    expect(requests).toEqual(['h1 lib/a.yaml', 'h1 b.yaml']);
    expect(describeAll(store)).toEqual([]);
    stop();
  });

  it("shows the backend's refusal at the include entry", async () => {
    const { includes } = backend({});
    const store = openedStore();
    const stop = startPolicyAnalysis(store, parsePolicy, { includes });
    await vi.runAllTimersAsync();
    expect(describeAll(store)).toEqual([
      'error include-error: cannot include base.yaml: no such file or directory (ENOENT)',
    ]);
    stop();
  });

  it('asks to save an unsaved policy first, and reads its includes once it is saved', async () => {
    const { includes, requests } = backend({ 'base.yaml': BASE });
    const store = createDocumentStore(MAIN);
    const stop = startPolicyAnalysis(store, parsePolicy, { includes });
    expect(describeAll(store)).toEqual([
      'error include-unavailable: cannot include base.yaml: save the policy to a file first: includes are read relative to its folder',
    ]);
    store.getState().saved({ handle: 'h9', name: 'new.sandbox.yaml' }, MAIN);
    await vi.runAllTimersAsync();
    expect(requests).toEqual(['h9 base.yaml']);
    expect(describeAll(store)).toEqual([]);
    stop();
  });

  it('reads the includes again on save, without a loading flash, and shows what changed', async () => {
    const { includes, requests, files } = backend({ 'base.yaml': BASE });
    const store = openedStore();
    const stop = startPolicyAnalysis(store, parsePolicy, { includes });
    await vi.runAllTimersAsync();
    files['base.yaml'] = 'version: 1\nlinux: {seccomp: {rules: [{allow: [opne]}]}}\n';
    store.getState().setText(`${MAIN}# edited\n`);
    store.getState().saved({ handle: 'h1', name: 'main.sandbox.yaml' }, `${MAIN}# edited\n`);
    vi.advanceTimersByTime(0);
    // The analysis right after the save used the file as read before: no "loading" in between.
    expect(store.getState().analysis.text).toBe(`${MAIN}# edited\n`);
    expect(describeAll(store)).toEqual([]);
    await vi.runAllTimersAsync();
    expect(requests).toEqual(['h1 base.yaml', 'h1 base.yaml']);
    expect(describeAll(store)).toEqual([
      expect.stringMatching(/^error unknown-syscall: base\.yaml:2:\d+: unknown syscall "opne"/),
    ]);
    stop();
  });

  it('never shows "loading" for a file it has read before', async () => {
    const { includes } = backend({ 'base.yaml': BASE });
    const store = openedStore();
    const seen: string[][] = [];
    store.subscribe((s, p) => s.analysis !== p.analysis && seen.push(describeAll(store)));
    const stop = startPolicyAnalysis(store, parsePolicy, { includes });
    await vi.runAllTimersAsync();
    store.getState().saved({ handle: 'h1', name: 'main.sandbox.yaml' }, `${MAIN}#\n`);
    store.getState().opened({ handle: 'h1', name: 'main.sandbox.yaml', text: MAIN });
    await vi.runAllTimersAsync();
    expect(seen.slice(1).flat()).toEqual([]);
    stop();
  });

  it('parses again when an include arrives for the current document only', async () => {
    const parse = vi.fn<ParsePolicy>(parsePolicy);
    const { includes } = backend({ 'base.yaml': BASE });
    const store = openedStore();
    const stop = startPolicyAnalysis(store, parse, { includes });
    store.getState().opened({ handle: 'h2', name: 'other.sandbox.yaml', text: 'version: 1\n' });
    await vi.runAllTimersAsync();
    // The first parse, the opened file; h1's include arriving does not parse h2 again.
    expect(parse).toHaveBeenCalledTimes(2);
    expect(store.getState().analysis.text).toBe('version: 1\n');
    stop();
  });

  it('stops listening to the cache when stopped', async () => {
    const parse = vi.fn<ParsePolicy>(parsePolicy);
    const { includes } = backend({ 'base.yaml': BASE });
    const store = openedStore();
    startPolicyAnalysis(store, parse, { includes })();
    await vi.runAllTimersAsync();
    expect(parse).toHaveBeenCalledTimes(1);
  });
});
