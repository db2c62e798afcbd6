import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import { createDocumentStore } from './document-store';
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
    const stop = startPolicyAnalysis(store, parse, globalThis, 150);
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
    const stop = startPolicyAnalysis(store, parsePolicy, globalThis, 150);
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
