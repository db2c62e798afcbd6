import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** Root's fallback when its own cache is private: /var/cache is root's, no one else can plant in it. */
export const SHARED_ROOT_CACHE = '/var/cache/sandbox-studio/lessons';

export interface CacheDirContext {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The effective uid (default: this process's). */
  readonly uid?: number;
}

/**
 * Where compiled lesson programs are kept: `$XDG_CACHE_HOME/sandbox-studio/lessons`, or
 * `~/.cache/sandbox-studio/lessons`. Lessons run their program as another user (`user: nobody`),
 * who must be able to reach it; when the studio runs as root with a home that others cannot
 * enter (/root is 0700), the programs go to /var/cache/sandbox-studio/lessons instead.
 */
export function lessonCacheDir(context: CacheDirContext = {}): string {
  const env = context.env ?? process.env;
  const uid = context.uid ?? process.geteuid?.() ?? -1;
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  const dir = join(base, 'sandbox-studio', 'lessons');
  return uid === 0 && !othersCanReach(dir) ? SHARED_ROOT_CACHE : dir;
}

/**
 * Whether a user other than the owner can walk down to `path`: every folder on the way that
 * exists lets others search it (x). Folders still to be made get 0755 (see ensureDirectory).
 */
export function othersCanReach(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    const mode = modeOf(dir);
    if (mode !== undefined && (mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode;
  } catch {
    return undefined;
  }
}
