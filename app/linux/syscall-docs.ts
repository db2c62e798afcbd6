import table from '../generated/syscall-docs.json';

/**
 * What the man pages say about each x86_64 syscall (scripts/gen-syscall-docs.mjs, from Debian's
 * manpages-dev): its C signature and the one-line description of the page's NAME line. Syscalls
 * without a page (or whose page declares no such function) have no entry.
 */

export interface SyscallParam {
  /** The C type as declared, e.g. `const char *`, `unsigned long`, `int [2]`. */
  readonly type: string;
  /** Absent when the declaration gives only a type. */
  readonly name?: string;
}

export interface SyscallDoc {
  readonly name: string;
  /** The page it comes from, e.g. `open(2)` for openat. */
  readonly page: string;
  readonly description: string;
  /** The C declaration, e.g. `int openat(int dirfd, const char *pathname, int flags, mode_t mode)`. */
  readonly signature: string;
  readonly params: readonly SyscallParam[];
  /** The declaration ends in `...`. */
  readonly variadic: boolean;
  /**
   * `syscall`: the kernel's own interface (`syscall(SYS_x, …)` or a raw prototype), whose
   * parameters are the filter's arg0, arg1, …; `wrapper`: the C library's function, whose
   * parameters may differ (sigaction for rt_sigaction has no sigsetsize).
   */
  readonly interface: 'syscall' | 'wrapper';
  /** The declared function's name: the syscall's, or its wrapper's (`pread` for pread64). */
  readonly function: string;
}

interface GeneratedDoc {
  readonly page: string;
  readonly description: string;
  readonly signature: string;
  readonly params: readonly SyscallParam[];
  readonly variadic?: boolean;
  readonly raw?: boolean;
  readonly function?: string;
}

const docs: ReadonlyMap<string, SyscallDoc> = new Map(
  Object.entries(table.syscalls as Readonly<Record<string, GeneratedDoc>>).map(([name, doc]) => [
    name,
    {
      name,
      page: doc.page,
      description: doc.description,
      signature: doc.signature,
      params: doc.params,
      variadic: doc.variadic === true,
      interface: doc.raw === true ? 'syscall' : 'wrapper',
      function: doc.function ?? name,
    },
  ]),
);

/** Which manpages-dev version the documentation comes from. */
export const SYSCALL_DOCS_SOURCE: string = table.source;

export function syscallDoc(name: string): SyscallDoc | undefined {
  return docs.get(name);
}

/** Every documented syscall name, sorted. */
export function documentedSyscalls(): readonly string[] {
  return [...docs.keys()];
}

/**
 * The declared parameter behind `arg<index>` of the filter: only for the kernel's own interface
 * or a wrapper named like the syscall (whose parameters are the syscall's by convention).
 */
export function syscallParam(name: string, index: number): SyscallParam | undefined {
  const doc = docs.get(name);
  if (!doc || doc.function !== name) return undefined;
  return doc.params[index];
}

/**
 * Whether the parameter is an address (pointer or array): its value differs from run to run, so
 * a filter can compare it with nothing useful.
 */
export function isAddressParam(param: SyscallParam): boolean {
  return /\*|\[/.test(param.type);
}
