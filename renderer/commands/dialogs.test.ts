import { describe, expect, it } from 'vitest';
import { createUiStore } from '../state/ui-store';
import { askConfirm, askFile, askFileName } from './dialogs';

describe('dialogs', () => {
  it('resolves a confirm with the answer and closes it', async () => {
    const ui = createUiStore();
    const answer = askConfirm(ui, { title: 't', message: 'm', confirmLabel: 'Go' });
    const dialog = ui.getState().dialog;
    expect(dialog?.kind).toBe('confirm');
    if (dialog?.kind === 'confirm') dialog.resolve(true);
    await expect(answer).resolves.toBe(true);
    expect(ui.getState().dialog).toBeNull();
  });

  it('answers "cancel" when another dialog replaces an open one', async () => {
    const ui = createUiStore();
    const first = askFileName(ui, 'a.sandbox.yaml');
    const second = askConfirm(ui, { title: 't', message: 'm', confirmLabel: 'Go' });
    await expect(first).resolves.toBeNull();
    expect(ui.getState().dialog?.kind).toBe('confirm');
    const dialog = ui.getState().dialog;
    if (dialog?.kind === 'confirm') dialog.resolve(false);
    await expect(second).resolves.toBe(false);
  });

  it('shows the file picker at once and fills it when the list arrives', async () => {
    const ui = createUiStore();
    let deliver: (files: { handle: string; name: string }[]) => void = () => undefined;
    const picked = askFile(ui, () => new Promise((resolve) => (deliver = resolve)));
    expect(ui.getState().dialog).toMatchObject({ kind: 'open-file', files: null });
    deliver([{ handle: 'h', name: 'x.sandbox.yaml' }]);
    await Promise.resolve();
    await Promise.resolve();
    const dialog = ui.getState().dialog;
    expect(dialog).toMatchObject({ files: [{ handle: 'h', name: 'x.sandbox.yaml' }] });
    if (dialog?.kind === 'open-file') dialog.resolve(dialog.files?.[0] ?? null);
    await expect(picked).resolves.toEqual({ handle: 'h', name: 'x.sandbox.yaml' });
    expect(ui.getState().dialog).toBeNull();
  });

  it('shows why the list failed', async () => {
    const ui = createUiStore();
    void askFile(ui, () => Promise.reject(new Error('no workspace')));
    await new Promise((r) => setTimeout(r, 0));
    expect(ui.getState().dialog).toMatchObject({ files: [], error: 'no workspace' });
  });
});
