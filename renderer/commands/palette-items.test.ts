import { describe, expect, it } from 'vitest';
import { highlightSegments, paletteItems } from './palette-items';
import { COMMAND_IDS, type CommandId } from './registry';

const all = (value: boolean) =>
  Object.fromEntries(COMMAND_IDS.map((id) => [id, value])) as Record<CommandId, boolean>;

describe('paletteItems', () => {
  it('lists every command but the palette itself, in registry order, for an empty query', () => {
    const items = paletteItems({ query: '', availability: all(true), recent: [] });
    expect(items.map((i) => i.id)).toEqual(COMMAND_IDS.filter((id) => id !== 'commandPalette'));
    expect(items[0]).toMatchObject({
      id: 'open',
      label: 'File: Open Policy…',
      shortcuts: ['Ctrl+O'],
    });
  });

  it('puts recently run commands first while the query is empty', () => {
    const items = paletteItems({ query: '', availability: all(true), recent: ['check', 'learn'] });
    expect(items.slice(0, 3).map((i) => i.id)).toEqual(['check', 'learn', 'open']);
  });

  it('ranks by match quality once the user types', () => {
    const items = paletteItems({
      query: 'save as',
      availability: all(true),
      recent: ['discardDraft'],
    });
    expect(items[0]?.id).toBe('saveAs');
    const learn = paletteItems({ query: 'run learn', availability: all(true), recent: [] });
    expect(learn[0]?.id).toBe('learn');
    expect(paletteItems({ query: 'theme', availability: all(true), recent: [] })[0]?.id).toBe(
      'cycleTheme',
    );
  });

  it('keeps commands that cannot run now, after the ones that can', () => {
    const availability = { ...all(true), learn: false };
    const items = paletteItems({ query: '', availability, recent: [] });
    expect(items.at(-1)).toMatchObject({ id: 'learn', available: false });
  });

  it('returns nothing when no command matches', () => {
    expect(paletteItems({ query: 'zzzz', availability: all(true), recent: [] })).toEqual([]);
  });
});

describe('highlightSegments', () => {
  it('splits a text into matched and plain parts', () => {
    expect(
      highlightSegments('Save As', [
        [0, 1],
        [5, 6],
      ]),
    ).toEqual([
      { text: 'S', matched: true },
      { text: 'ave ', matched: false },
      { text: 'A', matched: true },
      { text: 's', matched: false },
    ]);
  });

  it('shifts ranges of a longer label onto a part of it', () => {
    // Label "Run: Learn", ranges over "Learn" start at 5.
    expect(
      highlightSegments(
        'Learn',
        [
          [0, 1],
          [5, 7],
        ],
        5,
      ),
    ).toEqual([
      { text: 'Le', matched: true },
      { text: 'arn', matched: false },
    ]);
    expect(
      highlightSegments(
        'Run: ',
        [
          [0, 1],
          [5, 7],
        ],
        0,
      ),
    ).toEqual([
      { text: 'R', matched: true },
      { text: 'un: ', matched: false },
    ]);
  });

  it('gives the whole text unhighlighted without ranges', () => {
    expect(highlightSegments('Learn', [])).toEqual([{ text: 'Learn', matched: false }]);
    expect(highlightSegments('', [])).toEqual([]);
  });
});
