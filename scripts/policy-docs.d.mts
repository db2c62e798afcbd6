// Types of scripts/policy-docs.mjs for the TypeScript test that imports it.
export declare function renderPolicyDocs(schema: unknown): Promise<string>;
