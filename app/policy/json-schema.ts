import { z } from 'zod';
import { PolicyDocumentSchema, policyMetadata } from './schema';

/**
 * The JSON Schema of `*.sandbox.yaml` for editors (monaco-yaml, VS Code's YAML extension):
 * validation, hover text and completion come from the zod schema's metadata. Draft-07 because
 * that is what the YAML language server supports best. `io: 'input'` so defaulted keys are optional.
 */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicyDocumentSchema, {
    target: 'draft-07',
    io: 'input',
    metadata: policyMetadata,
  }) as Record<string, unknown>;
}
