// Types of scripts/cli-docs.mjs for the TypeScript test that imports it.
export interface CliDocsInput {
  readonly overview: string;
  readonly commands: readonly { readonly name: string; readonly usage: string }[];
}

export declare function renderCliDocs(input: CliDocsInput): Promise<string>;
