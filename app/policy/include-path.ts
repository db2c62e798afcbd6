/**
 * Where an `include:` entry points: relative to the including file's directory, POSIX syntax.
 * Pure string work (app/ has no file system); the reader the caller injects opens the result.
 */
export function resolveIncludePath(from: string | undefined, entry: string): string {
  if (entry.startsWith('/') || from === undefined) return normalizePath(entry);
  const slash = from.lastIndexOf('/');
  const directory = slash === -1 ? '' : from.slice(0, slash + 1);
  return normalizePath(directory + entry);
}

/** Removes `.` and `name/..` steps and doubled slashes; keeps leading `..` of relative paths. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}
