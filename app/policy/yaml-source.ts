import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLError,
} from 'yaml';
import type { Diagnostic, SourceRange } from './source-range';

/** A parsed YAML document together with what is needed to point back into its text. */
export interface YamlSource {
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

export type YamlPath = readonly PropertyKey[];

export interface YamlParseResult {
  /** Set when the text is syntactically valid YAML (warnings allowed). */
  readonly source?: YamlSource;
  readonly diagnostics: readonly Diagnostic[];
}

export function parseYaml(text: string): YamlParseResult {
  const lines = new LineCounter();
  // prettyErrors off: messages stay one line; positions come from the LineCounter instead.
  // logLevel error: yaml's console warnings would only duplicate the diagnostics.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, logLevel: 'error' });
  const source: YamlSource = { text, doc, lines };
  const diagnostics = [
    ...doc.errors.map((e) =>
      yamlDiagnostic(source, 'error', errorMessage(text, e), errorSpan(text, e)),
    ),
    ...unresolvedAliases(source),
    ...doc.warnings.map((e) => yamlDiagnostic(source, 'warning', e.message, e.pos)),
  ];
  const failed = diagnostics.some((d) => d.severity === 'error');
  return failed ? { diagnostics } : { source, diagnostics };
}

/** yaml only notices these when converting to JS, and then without a position. */
function unresolvedAliases(source: YamlSource): Diagnostic[] {
  const found: Diagnostic[] = [];
  visit(source.doc, {
    Alias(_, alias) {
      if (alias.resolve(source.doc) === undefined) {
        const [start, end] = alias.range ?? [0, 0];
        const message = `unknown alias *${alias.source}: its anchor &${alias.source} must come before it`;
        found.push(yamlDiagnostic(source, 'error', message, [start, end]));
      }
    },
  });
  return found;
}

/** The plain word starting at `start` (what a duplicate key or a bad scalar start begins). */
function wordAt(text: string, start: number): string {
  return /^[^\s:#,[\]{}]+/.exec(text.slice(start))?.[0] ?? '';
}

/** yaml marks a duplicate key or a bad scalar by its first character; underline the word. */
function errorSpan(text: string, error: YAMLError): readonly [number, number] {
  const [start, end] = error.pos;
  if (error.code !== 'DUPLICATE_KEY' && error.code !== 'BAD_SCALAR_START') return [start, end];
  return [start, Math.max(end, start + wordAt(text, start).length)];
}

/** `@basic-io` unquoted is the likely mistake behind a bad scalar start: say how to fix it. */
function errorMessage(text: string, error: YAMLError): string {
  if (error.code !== 'BAD_SCALAR_START') return error.message;
  return `${error.message}; quote it: "${wordAt(text, error.pos[0])}"`;
}

function yamlDiagnostic(
  source: YamlSource,
  severity: Diagnostic['severity'],
  message: string,
  pos: readonly [number, number],
): Diagnostic {
  const code = severity === 'error' ? 'yaml-syntax' : 'yaml-warning';
  return { severity, message, code, range: offsetRange(source, pos[0], pos[1]) };
}

export function offsetRange(source: YamlSource, start: number, end: number): SourceRange {
  const clamp = (offset: number) => Math.max(0, Math.min(offset, source.text.length));
  const position = (offset: number) => {
    const { line, col } = source.lines.linePos(clamp(offset));
    return { line, column: col, offset: clamp(offset) };
  };
  return { start: position(start), end: position(Math.max(start, end)) };
}

/** The node's own text, without a trailing comment or the line break a block collection ends with. */
export function nodeRange(source: YamlSource, node: Node): SourceRange {
  const [start, valueEnd] = node.range ?? [0, 0];
  const trimmed = source.text.slice(start, valueEnd).trimEnd().length;
  return offsetRange(source, start, start + trimmed);
}

/** Follows aliases, so that `*rules` behaves like the collection it names. */
export function resolveNode(source: YamlSource, node: unknown): Node | undefined {
  if (isAlias(node)) return resolveNode(source, node.resolve(source.doc));
  return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
}

/** The key of a map entry as the parsed data sees it (YAML allows non-string keys). */
export function keyText(pair: Pair): string {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return String(key);
}

export function findPair(source: YamlSource, map: Node | undefined, key: PropertyKey) {
  const resolved = resolveNode(source, map);
  if (!isMap(resolved)) return undefined;
  return resolved.items.find((pair) => keyText(pair) === String(key));
}

/** The node at a data path (map keys and sequence indexes), or undefined where it is absent. */
export function nodeAt(source: YamlSource, path: YamlPath): Node | undefined {
  let node: Node | undefined = resolveNode(source, source.doc.contents);
  for (const step of path) {
    if (isSeq(node) && typeof step === 'number') {
      node = resolveNode(source, node.items[step]);
    } else {
      node = resolveNode(source, findPair(source, node, step)?.value);
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/** The key node of the entry at `path` (which must end in a map key), if present. */
export function keyNodeAt(source: YamlSource, path: YamlPath): Node | undefined {
  if (path.length === 0) return undefined;
  const pair = findPair(source, nodeAt(source, path.slice(0, -1)), path[path.length - 1]!);
  return isPair(pair) && isScalar(pair.key) ? pair.key : undefined;
}

/** The value at `path`, or the closest thing that exists on the way there. */
export function closestRange(source: YamlSource, path: YamlPath): SourceRange {
  for (let n = path.length; n > 0; n--) {
    const node = nodeAt(source, path.slice(0, n));
    if (node) return nodeRange(source, node);
  }
  return firstLineRange(source);
}

/** Where a whole-document problem is shown: the document's first line of content. */
export function firstLineRange(source: YamlSource): SourceRange {
  const start = source.doc.contents?.range?.[0] ?? 0;
  const lineEnd = source.text.indexOf('\n', start);
  return offsetRange(source, start, lineEnd === -1 ? source.text.length : lineEnd);
}

export function isEmptyDocument(source: YamlSource): boolean {
  const contents = source.doc.contents;
  return contents === null || (isScalar(contents) && contents.value === null && !contents.tag);
}
