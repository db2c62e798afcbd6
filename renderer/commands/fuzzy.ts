/** Where a query matched inside a text, for highlighting: half-open [start, end) ranges. */
export type MatchRanges = readonly (readonly [number, number])[];

export interface FuzzyMatch {
  /** Higher is better. */
  readonly score: number;
  readonly ranges: MatchRanges;
}

const WORD_START_BONUS = 8;
const CONSECUTIVE_BONUS = 5;
const FIRST_CHAR_BONUS = 6;
const GAP_PENALTY = 1;

/**
 * Matches the query's characters in order, case-insensitively, anywhere in the text ("sva"
 * matches "Save As"); whitespace in the query is ignored. Matches at word starts and runs of
 * consecutive characters score higher, so "save as" ranks "Save Policy As…" above "Discard
 * Recovered Unsaved Changes". Returns null when the text does not contain the query in order.
 */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const needle = query.toLowerCase().replace(/\s+/g, '');
  if (needle.length === 0) return { score: 0, ranges: [] };
  const haystack = text.toLowerCase();
  const positions = bestPositions(needle, haystack, text);
  if (!positions) return null;
  return { score: scorePositions(positions, text), ranges: toRanges(positions) };
}

/**
 * Greedy from the left, but each character prefers a word start (or continuing the previous
 * match) when one exists early enough for the rest of the query to still fit after it.
 */
function bestPositions(needle: string, haystack: string, text: string): number[] | null {
  const latest = latestPositions(needle, haystack);
  if (!latest) return null;
  const positions: number[] = [];
  let from = 0;
  for (let i = 0; i < needle.length; i++) {
    const char = needle[i] as string;
    const first = haystack.indexOf(char, from);
    const previous = positions.at(-1);
    const chosen =
      previous !== undefined && first === previous + 1
        ? first
        : (wordStartBetween(char, haystack, text, first, latest[i] as number) ?? first);
    positions.push(chosen);
    from = chosen + 1;
  }
  return positions;
}

/**
 * For each query character, the last position it can take with the rest of the query still
 * matching after it (matching from the right); null when the query is not in the text.
 */
function latestPositions(needle: string, haystack: string): number[] | null {
  const latest = new Array<number>(needle.length);
  let before = haystack.length;
  for (let i = needle.length - 1; i >= 0; i--) {
    const p = before > 0 ? haystack.lastIndexOf(needle[i] as string, before - 1) : -1;
    if (p === -1) return null;
    latest[i] = p;
    before = p;
  }
  return latest;
}

function wordStartBetween(
  char: string,
  haystack: string,
  text: string,
  from: number,
  to: number,
): number | undefined {
  for (let p = from; p <= to; p++) {
    if (haystack[p] === char && isWordStart(text, p)) return p;
  }
  return undefined;
}

function isWordStart(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text[index - 1] as string;
  const here = text[index] as string;
  if (!/[\p{L}\p{N}]/u.test(before)) return true;
  // camelCase and digits after letters start words too.
  return /\p{Ll}/u.test(before) && /\p{Lu}/u.test(here);
}

function scorePositions(positions: readonly number[], text: string): number {
  let score = 0;
  positions.forEach((p, i) => {
    score += 1;
    if (p === 0) score += FIRST_CHAR_BONUS;
    if (isWordStart(text, p)) score += WORD_START_BONUS;
    const previous = positions[i - 1];
    if (previous !== undefined) {
      score += p === previous + 1 ? CONSECUTIVE_BONUS : -GAP_PENALTY * Math.min(p - previous, 10);
    }
  });
  return score;
}

function toRanges(positions: readonly number[]): MatchRanges {
  const ranges: [number, number][] = [];
  for (const p of positions) {
    const last = ranges.at(-1);
    if (last && last[1] === p) last[1] = p + 1;
    else ranges.push([p, p + 1]);
  }
  return ranges;
}
