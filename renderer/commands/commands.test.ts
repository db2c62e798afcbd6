import { describe, expect, it, vi } from 'vitest';
import type {
  BackendClient,
  EventName,
  EventPayload,
  RequestMethod,
  RequestParams,
  RequestResult,
} from '../../app/api/contract';
import { addAllowedSyscalls } from '../../app/policy/edit';
import { parsePolicy } from '../../app/policy/parse';
import { DRAFT_KEY, serializeDraft } from '../state/draft';
import { memoryStorage, type KeyValueStorage } from '../state/key-value-storage';
import { analyzePolicy } from '../state/policy-analysis';
import { createStores, type Stores } from '../state/stores';
import { testEvents as ev } from '../test-helpers';
import { createCommands } from './commands';

const LS = `version: 1
name: List the root directory
target: { command: [/bin/ls, /] }
linux:
  seccomp:
    default: kill-process
    rules: []
`;

type Handler = { [M in RequestMethod]?: (params: RequestParams<M>) => unknown };

/** A scripted backend: answers the requests the test gives handlers for, records every call. */
function scriptedClient(handlers: Handler) {
  const calls: { method: RequestMethod; params: unknown }[] = [];
  const client: BackendClient = {
    async invoke<M extends RequestMethod>(method: M, params: RequestParams<M>) {
      calls.push({ method, params });
      const handler = handlers[method] as ((p: RequestParams<M>) => unknown) | undefined;
      if (!handler) throw new Error(`unexpected ${method}`);
      return (await handler(params)) as RequestResult<M>;
    },
    on<E extends EventName>(_name: E, _listener: (payload: EventPayload<E>) => void) {
      return () => undefined;
    },
  };
  return { client, calls };
}

function setup(
  handlers: Handler,
  options: { native?: boolean; text?: string; storage?: KeyValueStorage } = {},
) {
  const stores = createStores(options.text ?? LS, { schedule: (fn) => fn() });
  stores.connection.getState().setStatus('connected');
  stores.connection.getState().setHost({
    kind: options.native ? 'electron' : 'web',
    nativeDialogs: options.native ?? false,
    version: '0.0.0',
  });
  analyze(stores);
  const { client, calls } = scriptedClient(handlers);
  const commands = createCommands({
    client,
    stores,
    addAllowedSyscalls,
    now: () => 1000,
    storage: options.storage ?? memoryStorage(),
  });
  return { stores, commands, calls };
}

function analyze(stores: Stores): void {
  stores.document
    .getState()
    .setAnalysis(analyzePolicy(parsePolicy, stores.document.getState().text));
}

/** Answers the dialog that is open now (after the command had a chance to show it). */
async function answerDialog(stores: Stores, answer: unknown): Promise<void> {
  await vi.waitFor(() => expect(stores.ui.getState().dialog).not.toBeNull());
  const dialog = stores.ui.getState().dialog!;
  if (dialog.kind === 'open-file') {
    await vi.waitFor(() =>
      expect(stores.ui.getState().dialog).toMatchObject({ files: expect.any(Array) }),
    );
  }
  (stores.ui.getState().dialog!.resolve as (a: unknown) => void)(answer);
}

describe('commands', () => {
  it('opens a workspace file through the web-mode picker', async () => {
    const { stores, commands, calls } = setup({
      'files.list': () => ({ files: [{ handle: 'h1', name: 'ls.sandbox.yaml' }] }),
      'files.read': ({ handle }) => ({ handle, name: 'ls.sandbox.yaml', text: 'opened' }),
    });
    const done = commands.open();
    await answerDialog(stores, { handle: 'h1', name: 'ls.sandbox.yaml' });
    await done;
    expect(stores.document.getState()).toMatchObject({ text: 'opened', handle: 'h1' });
    expect(stores.ui.getState().dialog).toBeNull();
    expect(calls.map((c) => c.method)).toEqual(['files.list', 'files.read']);
  });

  it('opens through the native dialog in Electron', async () => {
    const { stores, commands } = setup(
      { 'files.openDialog': () => ({ file: { handle: 'n1', name: 'a.sandbox.yaml', text: 'x' } }) },
      { native: true },
    );
    await commands.open();
    expect(stores.document.getState()).toMatchObject({ handle: 'n1', text: 'x' });
  });

  it('asks before discarding unsaved changes, and keeps them when told to', async () => {
    const { stores, commands, calls } = setup({});
    stores.document.getState().setText(`${LS}# edit\n`);
    const done = commands.open();
    await answerDialog(stores, false);
    await done;
    expect(calls).toEqual([]);
    expect(stores.document.getState().text).toContain('# edit');
  });

  it('saves to the open file', async () => {
    const { stores, commands, calls } = setup({
      'files.save': ({ handle }) => ({ handle, name: 'ls.sandbox.yaml' }),
    });
    stores.document.getState().opened({ handle: 'h1', name: 'ls.sandbox.yaml', text: LS });
    stores.document.getState().setText(`${LS}# more\n`);
    await commands.save();
    expect(calls).toEqual([
      { method: 'files.save', params: { handle: 'h1', text: `${LS}# more\n` } },
    ]);
    expect(stores.document.getState().savedText).toBe(`${LS}# more\n`);
  });

  it('saves an untitled policy under a name derived from the policy, asked in web mode', async () => {
    const { stores, commands, calls } = setup({
      'files.saveAs': ({ suggestedName }) => ({ file: { handle: 'h9', name: suggestedName } }),
    });
    const done = commands.save();
    await vi.waitFor(() => expect(stores.ui.getState().dialog?.kind).toBe('save-as'));
    const dialog = stores.ui.getState().dialog;
    expect(dialog).toMatchObject({ suggestedName: 'list-the-root-directory.sandbox.yaml' });
    await answerDialog(stores, 'mine.sandbox.yaml');
    await done;
    expect(calls[0]).toEqual({
      method: 'files.saveAs',
      params: { text: LS, suggestedName: 'mine.sandbox.yaml' },
    });
    expect(stores.document.getState()).toMatchObject({ handle: 'h9', name: 'mine.sandbox.yaml' });
  });

  it('learns: starts the run and records its id', async () => {
    const { stores, commands, calls } = setup({ 'run.start': () => ({ runId: 'r1' }) });
    await commands.learn();
    expect(calls).toEqual([{ method: 'run.start', params: { mode: 'learn', policyText: LS } }]);
    expect(stores.runs.getState().run).toMatchObject({ runId: 'r1', mode: 'learn' });
  });

  it('shows a refused run as a failed run', async () => {
    const { stores, commands } = setup({
      'run.start': () => {
        throw new Error('a run is already in progress');
      },
    });
    await commands.check();
    expect(stores.runs.getState().run).toMatchObject({ state: 'failed' });
    expect(stores.runs.getState().verdict?.headline).toContain('already in progress');
  });

  it('does nothing for a command that is not available (a shortcut on a disabled button)', async () => {
    const { commands, calls } = setup({}, { text: 'version: 7\n' });
    await commands.learn();
    await commands.stop();
    expect(calls).toEqual([]);
  });

  it('stops the current run', async () => {
    const { stores, commands, calls } = setup({
      'run.start': () => ({ runId: 'r1' }),
      'run.stop': () => ({}),
    });
    await commands.learn();
    stores.runs.getState().stateChanged({ runId: 'r1', mode: 'learn', state: 'running' }, 1);
    await commands.stop();
    expect(calls.at(-1)).toEqual({ method: 'run.stop', params: { runId: 'r1' } });
  });

  it('allows the observed syscalls in the policy text', async () => {
    const { stores, commands } = setup({ 'run.start': () => ({ runId: 'r1' }) });
    await commands.learn();
    const runs = stores.runs.getState();
    runs.eventsArrived({
      runId: 'r1',
      events: [ev.exec(), ev.syscall('openat'), ev.syscall('read'), ev.exit(0)],
    });
    runs.stateChanged({ runId: 'r1', mode: 'learn', state: 'exited' }, 2);
    const revision = stores.document.getState().external.revision;
    await commands.allowObserved();
    const { text, external } = stores.document.getState();
    expect(text).toContain('openat');
    expect(text).toContain('read');
    expect(external.revision).toBe(revision + 1);
    const rules = parsePolicy(text).policy?.linux.seccomp?.rules;
    expect(rules?.[0]?.syscalls.map((s) => s.name).sort()).toEqual(['openat', 'read']);
  });

  it('reports a failing command as a notice instead of throwing', async () => {
    const { stores, commands } = setup({
      'files.save': () => {
        throw new Error('disk full');
      },
    });
    stores.document.getState().opened({ handle: 'h1', name: 'ls.sandbox.yaml', text: LS });
    stores.document.getState().setText(`${LS}#\n`);
    await expect(commands.save()).resolves.toBeUndefined();
    expect(stores.ui.getState().notices).toEqual([
      expect.objectContaining({ tone: 'error', text: 'Save failed: disk full' }),
    ]);
  });

  describe('recovered drafts', () => {
    const recovered = (over: Record<string, unknown> = {}) =>
      memoryStorage({
        [DRAFT_KEY]: serializeDraft({
          text: `${LS}# recovered\n`,
          savedText: LS,
          handle: 'h1',
          name: 'ls.sandbox.yaml',
          savedAt: 5,
          ...over,
        }),
      });
    const offer = { name: 'ls.sandbox.yaml', handle: 'h1', savedAt: 5 };

    it('restores a draft on top of the file as it is now', async () => {
      const storage = recovered();
      const { stores, commands, calls } = setup(
        { 'files.read': ({ handle }) => ({ handle, name: 'ls.sandbox.yaml', text: LS }) },
        { storage },
      );
      stores.ui.getState().offerDraft(offer);
      await commands.restoreDraft();
      expect(calls).toEqual([{ method: 'files.read', params: { handle: 'h1' } }]);
      expect(stores.document.getState()).toMatchObject({
        text: `${LS}# recovered\n`,
        savedText: LS,
        handle: 'h1',
      });
      expect(stores.ui.getState().draftOffer).toBeNull();
    });

    it('restores from the draft alone when the file cannot be read', async () => {
      const { stores, commands } = setup(
        {
          'files.read': () => {
            throw new Error('no such file');
          },
        },
        { storage: recovered() },
      );
      stores.ui.getState().offerDraft(offer);
      await commands.restoreDraft();
      expect(stores.document.getState()).toMatchObject({ savedText: LS, handle: 'h1' });
      expect(stores.document.getState().text).toContain('# recovered');
      expect(stores.ui.getState().notices[0]?.text).toContain('no such file');
    });

    it('asks before replacing changes typed meanwhile, and keeps them when told to', async () => {
      const { stores, commands, calls } = setup({}, { storage: recovered() });
      stores.ui.getState().offerDraft(offer);
      stores.document.getState().setText(`${LS}# typed meanwhile\n`);
      const done = commands.restoreDraft();
      await answerDialog(stores, false);
      await done;
      expect(calls).toEqual([]);
      expect(stores.document.getState().text).toContain('# typed meanwhile');
      expect(stores.ui.getState().draftOffer).toEqual(offer);
    });

    it('discards a draft: gone from storage and from the screen', async () => {
      const storage = recovered();
      const { stores, commands } = setup({}, { storage });
      stores.ui.getState().offerDraft(offer);
      await commands.discardDraft();
      expect(storage.getItem(DRAFT_KEY)).toBeNull();
      expect(stores.ui.getState().draftOffer).toBeNull();
      expect(stores.document.getState().text).toBe(LS);
    });

    it('does nothing without an offer, and withdraws an offer whose draft is gone', async () => {
      const storage = memoryStorage();
      const { stores, commands } = setup({}, { storage });
      await commands.restoreDraft();
      expect(stores.document.getState().text).toBe(LS);
      stores.ui.getState().offerDraft(offer);
      await commands.restoreDraft();
      expect(stores.ui.getState().draftOffer).toBeNull();
      expect(stores.ui.getState().notices[0]?.tone).toBe('info');
    });
  });

  it('view commands change only the UI state', async () => {
    const { stores, commands, calls } = setup({});
    await commands.commandPalette();
    expect(stores.ui.getState().paletteOpen).toBe(true);
    stores.ui.getState().setSystemTheme('dark');
    await commands.cycleTheme();
    expect(stores.ui.getState().themePreference).toBe('light');
    await commands.focusEditor();
    expect(stores.ui.getState().focusRequest).toMatchObject({ target: 'editor' });
    await commands.focusEventFilter();
    expect(stores.ui.getState().focusRequest).toMatchObject({ target: 'eventFilter' });
    stores.ui.getState().setPaneSize('workspace', 0.3);
    await commands.resetLayout();
    expect(stores.ui.getState().paneSizes).toEqual({});
    stores.ui.getState().notify('error', 'x');
    await commands.dismissNotices();
    expect(stores.ui.getState().notices).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("opens the Lessons panel, whose lessons compile through the backend and ask in the studio's dialogs", async () => {
    const { stores, commands, calls } = setup({
      'lessons.prepare': ({ id }) => ({ path: `/cache/${id}` }),
    });
    await commands.lessons();
    const lessons = stores.lessons.getState();
    expect(lessons.open).toBe(true);
    const first = lessons.lessons[0]!;
    lessons.select(first.id);
    stores.document.getState().setText(`${LS}# mine\n`);
    const started = stores.lessons.getState().start();
    await answerDialog(stores, true); // discard the unsaved changes
    expect(await started).toBe(true);
    expect(calls).toEqual([{ method: 'lessons.prepare', params: { id: first.id } }]);
    expect(stores.document.getState().text).toContain(`/cache/${first.id}`);
  });
});
