import { fuzzyMatch, type MatchRanges } from './fuzzy';
import { COMMAND_SPECS, type CommandCategory, type CommandId } from './registry';

export interface PaletteItem {
  readonly id: CommandId;
  readonly category: CommandCategory;
  readonly title: string;
  /** `Run: Learn`: what the query is matched against. */
  readonly label: string;
  readonly shortcuts: readonly string[];
  readonly available: boolean;
  /** Matched characters of `label`. */
  readonly ranges: MatchRanges;
}

export interface PaletteQuery {
  readonly query: string;
  readonly availability: Readonly<Record<CommandId, boolean>>;
  /** Recently run commands, most recent first: they lead the list while the query is empty. */
  readonly recent: readonly CommandId[];
}

/** The palette itself is not listed in itself. */
const LISTED = COMMAND_SPECS.filter((s) => s.id !== 'commandPalette');

/**
 * The palette's rows for a query: matching commands, best match first, commands that cannot run
 * now after those that can (they stay visible, so that their shortcut can still be learned).
 */
export function paletteItems({ query, availability, recent }: PaletteQuery): PaletteItem[] {
  const rank = new Map(recent.map((id, i) => [id, i]));
  const scored = LISTED.flatMap((spec, order) => {
    const label = `${spec.category}: ${spec.title}`;
    const match = fuzzyMatch(query, label);
    if (!match) return [];
    const item: PaletteItem = {
      id: spec.id,
      category: spec.category,
      title: spec.title,
      label,
      shortcuts: spec.keys,
      available: availability[spec.id],
      ranges: match.ranges,
    };
    return [{ item, score: match.score, recency: rank.get(spec.id) ?? Infinity, order }];
  });
  const byQuery = query.trim() !== '';
  scored.sort(
    (a, b) =>
      Number(b.item.available) - Number(a.item.available) ||
      (byQuery ? b.score - a.score : a.recency - b.recency) ||
      a.order - b.order,
  );
  return scored.map((s) => s.item);
}

export interface LabelSegment {
  readonly text: string;
  readonly matched: boolean;
}

/** Splits `text` (which starts at `offset` within the matched label) into highlighted parts. */
export function highlightSegments(text: string, ranges: MatchRanges, offset = 0): LabelSegment[] {
  const segments: LabelSegment[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    const s = Math.max(start - offset, 0);
    const e = Math.min(end - offset, text.length);
    if (e <= s || s < at) continue;
    if (s > at) segments.push({ text: text.slice(at, s), matched: false });
    segments.push({ text: text.slice(s, e), matched: true });
    at = e;
  }
  if (at < text.length) segments.push({ text: text.slice(at), matched: false });
  return segments;
}
