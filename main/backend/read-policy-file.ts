import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Policies are small; anything bigger is not a policy and would not fit the API contract. */
export const MAX_POLICY_BYTES = 1_000_000;

/**
 * Read a policy file as UTF-8 text. Refuses non-regular files, files over 1 MB and bytes that are
 * not UTF-8, each with a message that names the file.
 */
export async function readPolicyFile(path: string, displayName: string): Promise<string> {
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(
    (error: unknown) => {
      throw new Error(`cannot open ${displayName}: ${describeFsError(error)}`);
    },
  );
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error(`cannot open ${displayName}: not a regular file`);
    if (info.size > MAX_POLICY_BYTES) {
      throw new Error(
        `${displayName} is too large (${info.size} bytes; a policy may have at most 1 MB)`,
      );
    }
    const bytes = await file.readFile();
    if (bytes.length > MAX_POLICY_BYTES) {
      throw new Error(`${displayName} is too large (a policy may have at most 1 MB)`);
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Error(`${displayName} is not UTF-8 text`);
    }
  } finally {
    await file.close();
  }
}

/** `no such file or directory` rather than Node's `ENOENT: no such file or directory, open '/x'`. */
export function describeFsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (!code || !syscall) return error.message;
  const reason = error.message.replace(/^[A-Z0-9]+: /, '').replace(/, \w+ .*$/, '');
  return `${reason} (${code})`;
}
