import { z } from 'zod';

/**
 * Unsaved work kept in the browser's storage while the user types, so that a crash or a closed
 * window loses nothing: the text, which file it belongs to, and that file's text as last opened
 * or saved (to tell whether the draft holds changes at all).
 */
export interface Draft {
  readonly text: string;
  readonly savedText: string;
  readonly handle: string | null;
  readonly name: string | null;
  /** When it was written (ms since the epoch). */
  readonly savedAt: number;
}

/** What the "recovered unsaved changes" notice shows; the text stays in storage until restored. */
export interface DraftOffer {
  readonly name: string | null;
  readonly handle: string | null;
  readonly savedAt: number;
}

export const DRAFT_KEY = 'sandbox-studio.draft';

const draftSchema = z.object({
  version: z.literal(1),
  text: z.string(),
  savedText: z.string(),
  handle: z.string().nullable(),
  name: z.string().nullable(),
  savedAt: z.number().finite(),
});

export function serializeDraft(draft: Draft): string {
  return JSON.stringify({ version: 1, ...draft });
}

/** The stored draft, or null when there is none or it is not one this version wrote. */
export function parseDraft(raw: string | null): Draft | null {
  if (raw === null) return null;
  try {
    const parsed = draftSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return null;
    const { version: _version, ...draft } = parsed.data;
    return draft;
  } catch {
    return null;
  }
}

/** A draft is worth offering only when it differs from the file it was made from. */
export function draftOffer(draft: Draft | null): DraftOffer | null {
  if (!draft || draft.text === draft.savedText) return null;
  return { name: draft.name, handle: draft.handle, savedAt: draft.savedAt };
}
