// Generated markdown goes through Prettier with the repository's settings, so that
// `prettier --check .` (npm run lint) accepts what the generators write.
import { format, resolveConfig } from 'prettier';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `text` formatted as the markdown file `docs/NAME.md` would be by `prettier --write`. */
export async function formatMarkdown(text) {
  const filepath = join(root, 'docs', 'generated.md');
  const options = (await resolveConfig(filepath)) ?? {};
  return format(text, { ...options, filepath, parser: 'markdown' });
}
