import { describe, expect, it } from 'vitest';
import type { monaco } from './monaco';
import { withYamlSafeCompletions } from './safe-completions';

type Provider = monaco.languages.CompletionItemProvider;

/** The slice of Monaco the wrapper touches: registering a provider, and a one-line model. */
function fakeMonaco() {
  const registered: Provider[] = [];
  const base = {
    editor: { marker: 'kept' },
    languages: {
      other: 'kept',
      registerCompletionItemProvider: (_selector: string, provider: Provider) => {
        registered.push(provider);
        return { dispose: () => undefined };
      },
    },
  } as unknown as typeof monaco;
  return { base, registered };
}

const line = (text: string) =>
  ({ getLineContent: () => text }) as unknown as monaco.editor.ITextModel;
const at = (column: number) => ({ lineNumber: 3, column }) as monaco.Position;
const range = (startColumn: number, endColumn: number) => ({
  startLineNumber: 3,
  startColumn,
  endLineNumber: 3,
  endColumn,
});

describe('withYamlSafeCompletions', () => {
  it("passes the plugin's providers through a YAML-safe filter, keeping the rest of monaco", async () => {
    const { base, registered } = fakeMonaco();
    const wrapped = withYamlSafeCompletions(base);
    expect((wrapped.editor as unknown as { marker: string }).marker).toBe('kept');
    expect((wrapped.languages as unknown as { other: string }).other).toBe('kept');

    const plugin: Provider = {
      triggerCharacters: [' ', ':'],
      provideCompletionItems: () => ({
        suggestions: [
          { label: '@basic-io', insertText: '@basic-io', kind: 12, range: range(7, 10) },
          { label: 'read', insertText: 'read', kind: 12, range: range(7, 10) },
        ],
      }),
    };
    wrapped.languages.registerCompletionItemProvider('yaml', plugin);
    expect(registered).toHaveLength(1);
    const provider = registered[0]!;
    expect(provider.triggerCharacters).toEqual([' ', ':']);

    const context = {} as monaco.languages.CompletionContext;
    const token = {} as monaco.CancellationToken;
    const list = await provider.provideCompletionItems(line('    - @ba'), at(10), context, token);
    expect(list?.suggestions.map((s) => s.insertText)).toEqual(['"@basic-io"', 'read']);

    const quoted = await provider.provideCompletionItems(line("    - '@b"), at(10), context, token);
    expect(quoted?.suggestions.map((s) => [s.insertText, s.filterText])).toEqual([
      ["'@basic-io'", "'@basic-io"],
      ["'read'", "'read"],
    ]);
  });

  it('passes an empty answer through', async () => {
    const { base, registered } = fakeMonaco();
    withYamlSafeCompletions(base).languages.registerCompletionItemProvider('yaml', {
      provideCompletionItems: () => undefined,
    });
    const context = {} as monaco.languages.CompletionContext;
    const token = {} as monaco.CancellationToken;
    expect(await registered[0]!.provideCompletionItems(line(''), at(1), context, token)).toBe(
      undefined,
    );
  });
});
