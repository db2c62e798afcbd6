import type { monaco as Monaco } from './monaco';
import { yamlSafeCompletion } from './scalar-completion';

type Monaco = typeof Monaco;
type CompletionItemProvider = Monaco.languages.CompletionItemProvider;

/**
 * The monaco module for a language plugin (monaco-yaml), with every completion provider it
 * registers wrapped so that the values it offers are inserted as valid YAML (scalar-completion.ts).
 */
export function withYamlSafeCompletions(base: Monaco): Monaco {
  const languages = Object.assign(Object.create(base.languages) as Monaco['languages'], {
    registerCompletionItemProvider: (
      selector: Monaco.languages.LanguageSelector,
      provider: CompletionItemProvider,
    ) => base.languages.registerCompletionItemProvider(selector, yamlSafeProvider(provider)),
  });
  return { ...base, languages };
}

function yamlSafeProvider(provider: CompletionItemProvider): CompletionItemProvider {
  return {
    ...provider,
    async provideCompletionItems(model, position, context, token) {
      const list = await provider.provideCompletionItems(model, position, context, token);
      if (!list) return list;
      const suggestions = list.suggestions.map((item) =>
        yamlSafeCompletion(item, typedText(model, position, item.range)),
      );
      return { ...list, suggestions };
    },
  };
}

/** What the user typed of the text a completion replaces: from its start to the cursor. */
function typedText(
  model: Monaco.editor.ITextModel,
  position: Monaco.Position,
  range: Monaco.languages.CompletionItem['range'],
): string {
  const start = 'insert' in range ? range.insert : range;
  if (start.startLineNumber !== position.lineNumber || start.startColumn > position.column)
    return '';
  return model
    .getLineContent(position.lineNumber)
    .slice(start.startColumn - 1, position.column - 1);
}
