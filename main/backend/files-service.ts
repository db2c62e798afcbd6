import { basename, dirname, join, resolve } from 'node:path';
import type { OpenedFile } from '../../app/api/contract';
import type { IncludeReader } from '../../app/policy/parse';
import { isErrno, writeFileAtomic } from './atomic-write';
import { HandleRegistry, type HandleEntry } from './handle-registry';
import { createIncludeReader } from './include-reader';
import { describeFsError, readPolicyFile } from './read-policy-file';
import { findPolicyFiles, POLICY_SUFFIX } from './workspace-scan';

export interface FileRef {
  readonly handle: string;
  readonly name: string;
}

/** File access for an untrusted renderer: every file is named by a handle the backend issued. */
export interface FilesService {
  /** Web mode: the workspace's policy files. Electron: the files chosen so far. */
  list(): Promise<readonly FileRef[]>;
  /** Electron: the native open dialog; null when cancelled. */
  openDialog(): Promise<OpenedFile | null>;
  read(handle: string): Promise<OpenedFile>;
  save(handle: string, text: string): Promise<FileRef>;
  /** A new file: chosen with a native dialog (Electron) or named inside the workspace (web). */
  saveAs(text: string, suggestedName: string): Promise<FileRef | null>;
  /**
   * A file that the policy `handle` includes: `path` as written in `include:`, relative to that
   * policy's folder or absolute. Confined like includeSource.
   */
  readInclude(handle: string, path: string): Promise<{ text: string } | { error: string }>;
  /**
   * Where the policy `handle` is and how to read its includes, for parsePolicy. The reader is
   * confined (the renderer chose the text and so the includes): web mode to the workspace;
   * Electron to the policy's own folder and the folders below it (the user chose that file).
   */
  includeSource(handle: string): PolicySource;
}

/** parsePolicy's options for a policy that lives in a file. */
export interface PolicySource {
  readonly path: string;
  readonly readInclude: IncludeReader;
}

/** Electron's dialogs, passed in as functions so this module does not depend on Electron. */
export interface NativeDialogs {
  chooseFileToOpen(): Promise<string | null>;
  chooseFileToSave(suggestedName: string): Promise<string | null>;
}

/** Web mode: the `*.sandbox.yaml` files of one folder, and new files created directly in it. */
export function createWorkspaceFiles(workspace: string): FilesService {
  const root = resolve(workspace);
  const registry = new HandleRegistry();
  const includes = includesOf(registry, () => root);
  return {
    ...includes,
    async list() {
      const files = await findPolicyFiles(root);
      return files.map((f) => toRef(registry.issue(f.path, f.name)));
    },
    openDialog() {
      const message =
        'there are no native dialogs in web mode: choose a file from the workspace list';
      return Promise.reject(new Error(message));
    },
    read: async (handle) => readEntry(registry.resolve(handle)),
    save: async (handle, text) => saveEntry(registry.resolve(handle), text),
    async saveAs(text, suggestedName) {
      const name = checkPlainPolicyName(suggestedName);
      const path = join(root, name);
      try {
        await writeFileAtomic(path, text, { exclusive: true });
      } catch (error) {
        if (isErrno(error, 'EEXIST')) {
          throw new Error(`${name} already exists in the workspace: choose another name`, {
            cause: error,
          });
        }
        throw new Error(`cannot save ${name}: ${describeFsError(error)}`, { cause: error });
      }
      return toRef(registry.issue(path, name));
    },
  };
}

/** Electron: files the user chose in native dialogs. */
export function createDialogFiles(dialogs: NativeDialogs): FilesService {
  const registry = new HandleRegistry();
  const includes = includesOf(registry, (entry) => dirname(entry.path));
  return {
    ...includes,
    list: () => Promise.resolve(registry.entries().map(toRef)),
    async openDialog() {
      const path = await dialogs.chooseFileToOpen();
      if (path === null) return null;
      return readEntry(registry.issue(path, basename(path)));
    },
    read: async (handle) => readEntry(registry.resolve(handle)),
    save: async (handle, text) => saveEntry(registry.resolve(handle), text),
    async saveAs(text, suggestedName) {
      const path = await dialogs.chooseFileToSave(suggestedName);
      if (path === null) return null;
      // The native dialog already asked before replacing an existing file.
      const entry = registry.issue(path, basename(path));
      return saveEntry(entry, text);
    },
  };
}

/** A file name without folders, ending in `.sandbox.yaml`; anything else is refused. */
export function checkPlainPolicyName(name: string): string {
  const plain =
    /^[\w.-]+$/.test(name) && !name.startsWith('.') && !name.includes('..') && name.length <= 200;
  if (!plain || !name.endsWith(POLICY_SUFFIX)) {
    throw new Error(
      `${JSON.stringify(name)} is not a plain file name ending in ${POLICY_SUFFIX} (no folders)`,
    );
  }
  return name;
}

/** The include half of a FilesService, confined to the folder `rootOf` gives for a policy. */
function includesOf(
  registry: HandleRegistry,
  rootOf: (entry: HandleEntry) => string,
): Pick<FilesService, 'readInclude' | 'includeSource'> {
  const includeSource = (handle: string): PolicySource => {
    const entry = registry.resolve(handle);
    return { path: entry.path, readInclude: createIncludeReader({ root: rootOf(entry) }) };
  };
  return {
    includeSource,
    async readInclude(handle, path) {
      const source = includeSource(handle);
      const text = source.readInclude(resolve(dirname(source.path), path));
      return typeof text === 'string' ? { text } : text;
    },
  };
}

async function readEntry(entry: HandleEntry): Promise<OpenedFile> {
  const text = await readPolicyFile(entry.path, entry.name);
  return { handle: entry.handle, name: entry.name, text };
}

async function saveEntry(entry: HandleEntry, text: string): Promise<FileRef> {
  try {
    await writeFileAtomic(entry.path, text);
  } catch (error) {
    throw new Error(`cannot save ${entry.name}: ${describeFsError(error)}`, { cause: error });
  }
  return toRef(entry);
}

function toRef(entry: HandleEntry): FileRef {
  return { handle: entry.handle, name: entry.name };
}
