import { configureMonacoYaml } from 'monaco-yaml';
import policySchema from '../../app/generated/policy.schema.json';
import { monacoForLegacyPlugins } from './legacy-web-worker';
import { withYamlSafeCompletions } from './safe-completions';

/** The editor's one model: its name matches the schema's fileMatch below. */
export const POLICY_MODEL_URI = 'file:///policy.sandbox.yaml';
/** A name for the schema, never fetched (enableSchemaRequest is off; CSP would refuse anyway). */
const SCHEMA_URI = 'sandbox-studio://schemas/policy.schema.json';

let configured = false;

/** monaco-yaml with the policy file's JSON Schema: validation, completion and hovers. */
export function configurePolicyYaml(): void {
  if (configured) return;
  configured = true;
  configureMonacoYaml(withYamlSafeCompletions(monacoForLegacyPlugins()), {
    enableSchemaRequest: false,
    hover: true,
    completion: true,
    validate: true,
    format: { enable: false },
    schemas: [
      {
        uri: SCHEMA_URI,
        fileMatch: ['*.sandbox.yaml', '**/*.sandbox.yaml'],
        schema: policySchema as object,
      },
    ],
  });
}
