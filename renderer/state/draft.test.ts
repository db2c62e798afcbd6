import { describe, expect, it } from 'vitest';
import { draftOffer, parseDraft, serializeDraft, type Draft } from './draft';

const DRAFT: Draft = {
  text: 'version: 1\n# edited\n',
  savedText: 'version: 1\n',
  handle: 'h1',
  name: 'ls.sandbox.yaml',
  savedAt: 1_700_000_000_000,
};

describe('drafts', () => {
  it('round-trips through storage', () => {
    expect(parseDraft(serializeDraft(DRAFT))).toEqual(DRAFT);
    const untitled = { ...DRAFT, handle: null, name: null };
    expect(parseDraft(serializeDraft(untitled))).toEqual(untitled);
  });

  it('reads nothing it did not write', () => {
    expect(parseDraft(null)).toBeNull();
    expect(parseDraft('')).toBeNull();
    expect(parseDraft('{')).toBeNull();
    expect(parseDraft('{"text":"x"}')).toBeNull();
    expect(parseDraft(JSON.stringify({ ...DRAFT, version: 2 }))).toBeNull();
    expect(parseDraft(JSON.stringify({ ...DRAFT, version: 1, savedAt: 'yesterday' }))).toBeNull();
    expect(parseDraft(JSON.stringify({ ...DRAFT, version: 1, handle: 7 }))).toBeNull();
  });

  it('offers a draft only when it holds changes', () => {
    expect(draftOffer(DRAFT)).toEqual({
      name: 'ls.sandbox.yaml',
      handle: 'h1',
      savedAt: DRAFT.savedAt,
    });
    expect(draftOffer({ ...DRAFT, text: DRAFT.savedText })).toBeNull();
    expect(draftOffer(null)).toBeNull();
  });
});
