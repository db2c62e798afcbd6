import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths';

let cached: string | undefined;

/** The studio's version, from its package.json. */
export function studioVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
  return cached;
}
