import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** Policies are small; anything bigger is not a policy and would not fit the API contract. */
export const MAX_POLICY_BYTES = 1_000_000;

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Why a file cannot be read as a policy, in words that do not name the file: the caller knows how
 * it is called (a display name, or the include entry a diagnostic already points at).
 */
export class PolicyFileProblem extends Error {
  constructor(
    /** `open`: the file could not be opened as a file; `content`: its bytes are not a policy. */
    readonly stage: 'open' | 'content',
    reason: string,
  ) {
    super(reason);
    this.name = 'PolicyFileProblem';
  }

  /** `cannot open x.sandbox.yaml: not a regular file`, `x.sandbox.yaml is not UTF-8 text` */
  describe(displayName: string): string {
    return this.stage === 'open'
      ? `cannot open ${displayName}: ${this.message}`
      : `${displayName} is ${this.message}`;
  }
}

/**
 * Read a policy file as UTF-8 text. Refuses non-regular files, files over 1 MB and bytes that are
 * not UTF-8, each with a message that names the file.
 */
export async function readPolicyFile(path: string, displayName: string): Promise<string> {
  try {
    return await readPolicyText(path);
  } catch (error) {
    throw named(error, displayName);
  }
}

/** The checks of readPolicyFile; failures are PolicyFileProblems. */
export async function readPolicyText(path: string): Promise<string> {
  const file = await open(path, OPEN_FLAGS).catch((error: unknown) => {
    throw new PolicyFileProblem('open', describeFsError(error));
  });
  try {
    checkPolicyStats(await file.stat());
    return decodePolicyBytes(await file.readFile());
  } finally {
    await file.close();
  }
}

export interface SyncReadOptions {
  /** Refuse a symbolic link as the last component (O_NOFOLLOW). */
  readonly noFollow?: boolean;
}

/** The checks of readPolicyFile, synchronously; failures are PolicyFileProblems. */
export function readPolicyTextSync(path: string, options: SyncReadOptions = {}): string {
  const flags = OPEN_FLAGS | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (error) {
    throw new PolicyFileProblem('open', describeFsError(error));
  }
  try {
    checkPolicyStats(fstatSync(fd));
    return decodePolicyBytes(readAtMost(fd, MAX_POLICY_BYTES + 1));
  } finally {
    closeSync(fd);
  }
}

function checkPolicyStats(info: Stats): void {
  if (!info.isFile()) throw new PolicyFileProblem('open', 'not a regular file');
  if (info.size > MAX_POLICY_BYTES) {
    throw new PolicyFileProblem(
      'content',
      `too large (${info.size} bytes; a policy may have at most 1 MB)`,
    );
  }
}

function decodePolicyBytes(bytes: Uint8Array): string {
  // The file may have grown since fstat.
  if (bytes.length > MAX_POLICY_BYTES) {
    throw new PolicyFileProblem('content', 'too large (a policy may have at most 1 MB)');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PolicyFileProblem('content', 'not UTF-8 text');
  }
}

/** Up to `limit` bytes from the start of `fd`: enough to tell that a file is too large. */
function readAtMost(fd: number, limit: number): Uint8Array {
  const buffer = Buffer.allocUnsafe(limit);
  let length = 0;
  while (length < limit) {
    const read = readSync(fd, buffer, length, limit - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

function named(error: unknown, displayName: string): unknown {
  return error instanceof PolicyFileProblem ? new Error(error.describe(displayName)) : error;
}

/** `no such file or directory` rather than Node's `ENOENT: no such file or directory, open '/x'`. */
export function describeFsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (!code || !syscall) return error.message;
  const reason = error.message.replace(/^[A-Z0-9]+: /, '').replace(/, \w+ .*$/, '');
  return `${reason} (${code})`;
}
