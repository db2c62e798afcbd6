import table from '../generated/linux-errno.json';

export interface ErrnoInfo {
  readonly name: string;
  readonly value: number;
  readonly description: string;
}

const byName = new Map<string, ErrnoInfo>(table.errno.map((e) => [e.name, e]));
const byValue = new Map<number, ErrnoInfo>();
for (const e of table.errno) if (!byValue.has(e.value)) byValue.set(e.value, e);
for (const [alias, target] of Object.entries(table.aliases as Record<string, string>)) {
  const info = byName.get(target);
  if (info && !byName.has(alias)) byName.set(alias, { ...info, name: alias });
}

export function errnoByName(name: string): ErrnoInfo | undefined {
  return byName.get(name);
}

export function errnoByValue(value: number): ErrnoInfo | undefined {
  return byValue.get(value);
}

/** `EACCES` for 13, or the number itself when the headers do not name it. */
export function errnoName(value: number): string {
  return byValue.get(value)?.name ?? String(value);
}

export function errnoNames(): readonly string[] {
  return [...byName.keys()];
}

/** The largest errno a seccomp filter can return (SECCOMP_RET_DATA is 16 bits, the kernel caps at MAX_ERRNO). */
export const MAX_ERRNO = 4095;
