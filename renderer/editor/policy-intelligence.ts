import type { Diagnostic, Severity } from '../../app/policy/source-range';
import type { TraceEvent } from '../../app/trace/events';
import { conditionCompletions, type ConditionSuggestion } from './condition-completion';
import { policyHover } from './hover-content';
import { MARKER_OWNER } from './markers';
import { monaco } from './monaco';
import { ArgumentTally, type ObservedArguments } from './observed-arguments';
import { quickFixes } from './quick-fixes';
import { POLICY_MODEL_URI } from './yaml-language';

/**
 * Monaco's side of the editor intelligence: hovers, completions in `when:` conditions and quick
 * fixes, each a thin adapter over the pure functions next to it (offsets in, offsets out).
 */

/** The last run's events, as the runs store keeps them (appended to in place). */
export interface RunEvents {
  readonly length: number;
  at(index: number): TraceEvent | undefined;
}

export interface IntelligenceSources {
  /** The events of the last (or current) run. */
  readonly runEvents: () => RunEvents;
}

type Model = monaco.editor.ITextModel;

function isPolicyModel(model: Model): boolean {
  return model.uri.toString() === monaco.Uri.parse(POLICY_MODEL_URI).toString();
}

function rangeOf(model: Model, start: number, end: number): monaco.Range {
  const from = model.getPositionAt(start);
  const to = model.getPositionAt(end);
  return new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column);
}

const SUGGESTION_KINDS: Record<ConditionSuggestion['kind'], monaco.languages.CompletionItemKind> = {
  argument: monaco.languages.CompletionItemKind.Variable,
  constant: monaco.languages.CompletionItemKind.Constant,
  keyword: monaco.languages.CompletionItemKind.Keyword,
};

const SEVERITIES: ReadonlyMap<monaco.MarkerSeverity, Severity> = new Map([
  [monaco.MarkerSeverity.Error, 'error'],
  [monaco.MarkerSeverity.Warning, 'warning'],
  [monaco.MarkerSeverity.Info, 'info'],
]);

/** Our markers back as diagnostics (Monaco hands code actions the markers at the cursor). */
function markerDiagnostic(model: Model, marker: monaco.editor.IMarkerData): Diagnostic {
  const position = (lineNumber: number, column: number) => ({
    line: lineNumber,
    column,
    offset: model.getOffsetAt({ lineNumber, column }),
  });
  return {
    severity: SEVERITIES.get(marker.severity) ?? 'info',
    message: marker.message,
    code: typeof marker.code === 'string' ? marker.code : (marker.code?.value ?? ''),
    range: {
      start: position(marker.startLineNumber, marker.startColumn),
      end: position(marker.endLineNumber, marker.endColumn),
    },
  };
}

/**
 * Argument values per syscall of the last run: a growing run's new events are added to the tally,
 * a new run (another events buffer) starts a new one.
 */
function observedCache(source: () => RunEvents): () => ObservedArguments {
  let seen: { events: RunEvents; counted: number; tally: ArgumentTally } | undefined;
  return () => {
    const events = source();
    if (seen?.events !== events || events.length < seen.counted) {
      seen = { events, counted: 0, tally: new ArgumentTally() };
    }
    for (; seen.counted < events.length; seen.counted++) {
      const event = events.at(seen.counted);
      if (event) seen.tally.add(event);
    }
    return seen.tally.observed;
  };
}

function hoverProvider(): monaco.languages.HoverProvider {
  return {
    provideHover(model, position) {
      if (!isPolicyModel(model)) return undefined;
      const hover = policyHover(model.getValue(), model.getOffsetAt(position));
      if (!hover) return undefined;
      return {
        range: rangeOf(model, hover.start, hover.end),
        contents: hover.contents.map((value) => ({ value })),
      };
    },
  };
}

function completionProvider(): monaco.languages.CompletionItemProvider {
  return {
    triggerCharacters: [' ', '{', '(', ',', '|', '&', '!', '~'],
    provideCompletionItems(model, position) {
      if (!isPolicyModel(model)) return undefined;
      const answer = conditionCompletions(model.getValue(), model.getOffsetAt(position));
      if (!answer) return undefined;
      const range = rangeOf(model, answer.start, answer.end);
      return {
        suggestions: answer.suggestions.map((s) => ({
          label: s.label,
          kind: SUGGESTION_KINDS[s.kind],
          insertText: s.insertText,
          ...(s.insertText.includes('$')
            ? { insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet }
            : {}),
          ...(s.detail === undefined ? {} : { detail: s.detail }),
          sortText: s.sortText,
          range,
        })),
      };
    },
  };
}

function codeActionProvider(sources: IntelligenceSources): monaco.languages.CodeActionProvider {
  const observed = observedCache(sources.runEvents);
  return {
    provideCodeActions(model, range, context) {
      if (!isPolicyModel(model)) return undefined;
      const ours = context.markers.filter((m) => m.source === MARKER_OWNER);
      const fixes = quickFixes({
        text: model.getValue(),
        diagnostics: ours.map((m) => markerDiagnostic(model, m)),
        start: model.getOffsetAt(range.getStartPosition()),
        end: model.getOffsetAt(range.getEndPosition()),
        observed: observed(),
      });
      const versionId = model.getVersionId();
      const actions = fixes.map((fix): monaco.languages.CodeAction => {
        const marker = fix.diagnostic && ours.find((m) => m.code === fix.diagnostic?.code);
        return {
          title: fix.title,
          kind: 'quickfix',
          ...(marker ? { diagnostics: [marker] } : {}),
          ...(fix.preferred ? { isPreferred: true } : {}),
          edit: {
            edits: fix.edits.map((e) => ({
              resource: model.uri,
              versionId,
              textEdit: { range: rangeOf(model, e.start, e.end), text: e.insert },
            })),
          },
        };
      });
      return { actions, dispose: () => undefined };
    },
  };
}

/**
 * Registers the hover, completion and quick-fix providers for the policy document; returns the
 * function that removes them.
 */
export function registerPolicyIntelligence(sources: IntelligenceSources): () => void {
  const disposables = [
    monaco.languages.registerHoverProvider('yaml', hoverProvider()),
    monaco.languages.registerCompletionItemProvider('yaml', completionProvider()),
    monaco.languages.registerCodeActionProvider('yaml', codeActionProvider(sources), {
      providedCodeActionKinds: ['quickfix'],
    }),
  ];
  return () => {
    for (const d of disposables) d.dispose();
  };
}
