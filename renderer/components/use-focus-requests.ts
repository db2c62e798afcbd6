import { useEffect } from 'react';
import { monaco } from '../editor/monaco';
import type { FocusTarget } from '../state/ui-store';
import { useStudio } from './studio-context';

/** Moves the focus where "Focus the …" commands ask (the store only says where). */
export function useFocusRequests(): void {
  const { stores } = useStudio();
  useEffect(
    () =>
      stores.ui.subscribe((state, previous) => {
        const request = state.focusRequest;
        if (request && request !== previous.focusRequest) focus(request.target);
      }),
    [stores.ui],
  );
}

function focus(target: FocusTarget): void {
  if (target === 'editor') {
    const host = document.querySelector('.policy-editor');
    const editor = monaco.editor.getEditors().find((e) => host?.contains(e.getDomNode()));
    editor?.focus();
    return;
  }
  const filter = document.querySelector<HTMLElement>(
    '.event-filter input, input[aria-label="Filter events"]',
  );
  filter?.focus();
  if (filter instanceof HTMLInputElement) filter.select();
}
