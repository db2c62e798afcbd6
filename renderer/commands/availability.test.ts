import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import type { CurrentRun } from '../state/runs-store';
import { commandAvailability, type AvailabilityInput } from './availability';

const TEXT = `version: 1
target: { command: [/bin/ls] }
linux:
  seccomp:
    default: kill-process
    rules:
      - allow: [read]
`;

function input(overrides: {
  text?: string;
  savedText?: string;
  handle?: string | null;
  run?: CurrentRun | null;
  observed?: string[];
  status?: 'connecting' | 'connected' | 'disconnected';
  noHost?: boolean;
}): AvailabilityInput {
  const text = overrides.text ?? TEXT;
  const { policy, diagnostics } = parsePolicy(text);
  return {
    document: {
      text,
      savedText: overrides.savedText ?? text,
      handle: overrides.handle === undefined ? 'h' : overrides.handle,
      analysis: { text, policy, diagnostics },
    },
    runs: { run: overrides.run ?? null, observed: new Set(overrides.observed ?? []) },
    connection: {
      status: overrides.status ?? 'connected',
      host: overrides.noHost ? null : { kind: 'web', nativeDialogs: false, version: '1' },
    },
  };
}

const run = (state: CurrentRun['state'], runId: string | null = 'r1'): CurrentRun => ({
  runId,
  mode: 'learn',
  state,
  startedAt: 0,
});

describe('commandAvailability', () => {
  it('allows running a valid policy when idle, but not stopping', () => {
    const a = commandAvailability(input({}));
    expect(a).toMatchObject({ learn: true, check: true, stop: false, open: true });
  });

  it('blocks runs while one is active, and allows Stop once it has an id', () => {
    expect(commandAvailability(input({ run: run('running') }))).toMatchObject({
      learn: false,
      check: false,
      stop: true,
    });
    expect(commandAvailability(input({ run: run('starting', null) })).stop).toBe(false);
    expect(commandAvailability(input({ run: run('stopping') })).stop).toBe(false);
    expect(commandAvailability(input({ run: run('exited') }))).toMatchObject({
      learn: true,
      stop: false,
    });
  });

  it('blocks runs while the policy has errors', () => {
    const a = commandAvailability(input({ text: 'version: 2\n' }));
    expect(a.learn).toBe(false);
    expect(a.check).toBe(false);
  });

  it('offers Allow observed only for observed syscalls no rule handles', () => {
    expect(commandAvailability(input({ observed: ['read'] })).allowObserved).toBe(false);
    expect(commandAvailability(input({ observed: ['read', 'openat'] })).allowObserved).toBe(true);
    expect(
      commandAvailability(input({ observed: ['openat'], run: run('running') })).allowObserved,
    ).toBe(false);
  });

  it('offers Save for unsaved changes or a file never saved', () => {
    expect(commandAvailability(input({})).save).toBe(false);
    expect(commandAvailability(input({ savedText: 'old' })).save).toBe(true);
    expect(commandAvailability(input({ handle: null })).save).toBe(true);
  });

  it('waits for host.info before offering file commands', () => {
    const a = commandAvailability(input({ noHost: true, savedText: 'old' }));
    expect(a).toMatchObject({ open: false, save: false, saveAs: false, learn: true });
  });

  it('disables everything that needs the backend while disconnected', () => {
    const a = commandAvailability(input({ status: 'disconnected', savedText: 'old' }));
    expect(a).toMatchObject({
      open: false,
      save: false,
      saveAs: false,
      learn: false,
      check: false,
    });
  });

  it('offers Restore/Discard only while a recovered draft waits, Dismiss only with notices', () => {
    const base = input({});
    expect(commandAvailability(base)).toMatchObject({
      restoreDraft: false,
      discardDraft: false,
      dismissNotices: false,
      commandPalette: true,
      cycleTheme: true,
    });
    const offered = commandAvailability({
      ...base,
      ui: {
        draftOffer: { name: null, handle: null, savedAt: 0 },
        notices: [{ id: 1, tone: 'info', text: 'x' }],
      },
    });
    expect(offered).toMatchObject({ restoreDraft: true, discardDraft: true, dismissNotices: true });
  });
});
