import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const POLICY_SUFFIX = '.sandbox.yaml';
const MAX_DEPTH = 3;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export interface WorkspaceFile {
  readonly path: string;
  /** Relative to the workspace, with `/` separators. */
  readonly name: string;
}

/**
 * The policy files under `root`, at most three folders deep, sorted by name. Symbolic links are
 * not followed (a link could point outside the folder the user chose to serve).
 */
export async function findPolicyFiles(root: string): Promise<readonly WorkspaceFile[]> {
  const found: WorkspaceFile[] = [];
  await scan(root, root, 0, found);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function scan(
  root: string,
  dir: string,
  depth: number,
  found: WorkspaceFile[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // An unreadable sub-folder hides its files; it does not fail the listing.
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name.endsWith(POLICY_SUFFIX)) {
      found.push({ path, name: relative(root, path).split(sep).join('/') });
    } else if (entry.isDirectory() && depth < MAX_DEPTH && !SKIPPED_DIRS.has(entry.name)) {
      await scan(root, path, depth + 1, found);
    }
  }
}
