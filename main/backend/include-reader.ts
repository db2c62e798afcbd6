import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { IncludeReader } from '../../app/policy/parse';
import { describeFsError, PolicyFileProblem, readPolicyTextSync } from './read-policy-file';

export interface IncludeReaderOptions {
  /**
   * Confines the reader to this folder: only `*.yaml`/`*.yml` files inside it, after resolving
   * symbolic links (a link out of it is refused). For requests of the untrusted renderer, which
   * must not read arbitrary files of the machine through an `include:`.
   */
  readonly root?: string;
}

const YAML_NAME = /\.ya?ml$/i;

/**
 * The parser's reader of included files (synchronous, like the parser): the file's text, or why
 * it cannot be read, in words that do not repeat the path (the diagnostic already names it).
 * Relative paths are resolved against the working directory; callers pass absolute ones.
 */
export function createIncludeReader(options: IncludeReaderOptions = {}): IncludeReader {
  const { root } = options;
  if (root === undefined) return (path) => readOrExplain(() => readPolicyTextSync(resolve(path)));
  return (path) =>
    readOrExplain(() =>
      readPolicyTextSync(confine(resolve(root), resolve(path)), { noFollow: true }),
    );
}

function readOrExplain(read: () => string): string | { error: string } {
  try {
    return read();
  } catch (error) {
    if (error instanceof PolicyFileProblem) return { error: error.message };
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The real path of `path` when it is a YAML file inside `root`. Checked on the path as written
 * first, so that nothing outside the root is even looked at (not even whether it exists).
 */
function confine(root: string, path: string): string {
  const realRoot = realPath(root);
  if (!isInside(root, path) && !isInside(realRoot, path)) throw outside(root);
  if (!YAML_NAME.test(path)) throw notYaml();
  const real = realPath(path);
  if (!isInside(realRoot, real)) throw outside(root);
  if (!YAML_NAME.test(real)) throw notYaml();
  return real;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    throw new PolicyFileProblem('open', describeFsError(error));
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function outside(root: string): PolicyFileProblem {
  return new PolicyFileProblem('open', `not inside ${root} (includes are read only from there)`);
}

function notYaml(): PolicyFileProblem {
  return new PolicyFileProblem('open', 'not a .yaml or .yml file');
}
