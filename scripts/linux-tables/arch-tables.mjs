// Per-arch syscall numbers and named constants, read from that arch's headers with cpp.mjs and
// evaluated with c-expr.mjs. On the arches the host gcc can compile for, every value is also
// computed by gcc and any difference aborts the generation.
import { execFileSync, spawnSync } from 'node:child_process';
import { CExprError, dataModel, evaluate } from './c-expr.mjs';
import { expandMacros, hasHeader, objectMacros } from './cpp.mjs';
import { enumExpressions } from './enums.mjs';
import { compileValues } from './host-compiler.mjs';

const STRUCT_SIZEOF = /\bsizeof\s*\(\s*((?:struct|union)\s+\w+)\s*\)/g;

/** gcc flags that compile for `arch` against the same headers, or undefined. */
function hostCompilerFlags(arch) {
  if (!arch.hostCompilerFlags) return undefined;
  // gcc's own include directory provides <stddef.h>'s size_t, which some uapi headers use.
  const gccInclude = execFileSync('gcc', ['-print-file-name=include'], { encoding: 'utf8' });
  return [
    ...arch.hostCompilerFlags,
    '-nostdinc',
    ...arch.include.map((d) => `-I${d}`),
    '-isystem',
    gccInclude.trim(),
    '-include',
    'stddef.h',
  ];
}

/**
 * Evaluates `names` (macros of `headers`) and `enumerators` (name → defining expression) for
 * `arch`.
 * @returns {{ values: Map<string, bigint>, rejected: Map<string, CExprError> }}
 */
function evaluateMacros(arch, headers, macroNames, enumerators = new Map()) {
  const expansions = new Map([...expandMacros(arch, headers, macroNames), ...enumerators]);
  const names = [...expansions.keys()];
  const flags = hostCompilerFlags(arch);
  const tags = new Set(
    [...expansions.values()].flatMap((e) => [...e.matchAll(STRUCT_SIZEOF)].map((m) => m[1])),
  );
  let compiled;
  if (flags) {
    const exprs = new Map(names.map((n) => [n, n]));
    for (const tag of tags) exprs.set(`sizeof ${tag}`, `sizeof(${tag})`);
    compiled = compileValues(flags, headers, exprs);
  }
  const sizeOfTag = (tag) => compiled?.values.get(`sizeof ${tag}`);
  const dm = dataModel(arch.model);
  const values = new Map();
  const rejected = new Map();
  for (const name of names) {
    try {
      values.set(name, evaluate(expansions.get(name), dm, sizeOfTag).value);
    } catch (e) {
      if (!(e instanceof CExprError)) throw e;
      rejected.set(name, e);
    }
  }
  if (compiled) crossCheck(arch, values, compiled);
  return { values, rejected };
}

function crossCheck(arch, values, compiled) {
  for (const [name, value] of values) {
    const byGcc = compiled.values.get(name);
    if (byGcc !== value) {
      throw new Error(`${arch.name}: ${name} evaluates to ${value} but gcc says ${byGcc}`);
    }
  }
}

/**
 * Syscall numbers of `arch`, from asm/unistd.h: `__NR_name` (and arm's private `__ARM_NR_name`).
 * A macro defined as another syscall's macro (arm's sync_file_range2) is an alias.
 */
export function syscallTable(arch) {
  const header = ['asm/unistd.h'];
  const macros = objectMacros(arch, header);
  // Syscall names are lower case; __NR_SYSCALL_BASE, __ARM_NR_BASE and the like are not calls.
  const syscallOf = (macro) => /^(?:__NR|__ARM_NR)_([a-z_][a-z0-9_]*)$/.exec(macro)?.[1];
  const markers = new Set(['syscalls', 'arch_specific_syscall']);
  const macroNames = [...macros.keys()].filter((m) => {
    const name = syscallOf(m);
    return name !== undefined && !markers.has(name);
  });
  const { values, rejected } = evaluateMacros(arch, header, macroNames);
  if (rejected.size) {
    const why = [...rejected].map(([name, error]) => `${name}: ${error.message}`);
    throw new Error(`${arch.name}: syscall numbers not evaluated: ${why.join('; ')}`);
  }
  const syscalls = new Map();
  const aliases = new Map();
  for (const macro of macroNames) {
    const target = syscallOf(macros.get(macro).trim());
    if (target !== undefined && macroNames.some((m) => syscallOf(m) === target)) {
      aliases.set(syscallOf(macro), target);
    } else {
      syscalls.set(syscallOf(macro), Number(values.get(macro)));
    }
  }
  return { syscalls: sortByValue(syscalls), aliases: new Map([...aliases].sort()) };
}

function sortByValue(map) {
  return new Map([...map].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])));
}

/**
 * Named constants of `arch` from the kernel families, merged with the host libc's socket,
 * access-mode and eventfd constants. Names evaluated to different values by two families abort the generation.
 * @param {import('./constant-groups.mjs').ConstantFamily[]} families
 * @param {Map<string, bigint>} hostLibc
 */
export function constantTable(arch, families, hostLibc) {
  const constants = new Map();
  const unevaluated = new Map();
  const merge = (name, value, origin) => {
    const known = constants.get(name);
    if (known !== undefined && known !== value) {
      throw new Error(`${arch.name}: ${name} is ${known} and ${value} (${origin})`);
    }
    constants.set(name, value);
  };
  for (const family of families) {
    // A family read from newer headers (newer-uapi.mjs) sees them first on the include path.
    const familyArch = family.includeFirst
      ? { ...arch, include: [family.includeFirst, ...arch.include] }
      : arch;
    if (family.optional && !family.headers.every((h) => hasHeader(familyArch, h))) continue;
    const names = [...objectMacros(familyArch, family.headers).keys()].filter((n) =>
      family.names.test(n),
    );
    const enumerators = family.enums
      ? enumExpressions(familyArch, family.headers, family.enums)
      : new Map();
    if (names.length + enumerators.size === 0) {
      throw new Error(`${arch.name}: no ${family.family} constants found`);
    }
    const { values, rejected } = evaluateMacros(familyArch, family.headers, names, enumerators);
    for (const [name, value] of values) merge(name, value, family.family);
    for (const [name, error] of rejected) {
      // Pointers (SIG_DFL), attributes and strings are not integer constants; struct sizes are,
      // but only the target's compiler knows them: keep those as documented gaps.
      if (error.needsTargetCompiler) unevaluated.set(name, error.message);
    }
  }
  for (const [name, value] of hostLibc) merge(name, value, 'host libc');
  for (const [libc, flag] of [
    ['SOCK_NONBLOCK', 'O_NONBLOCK'],
    ['SOCK_CLOEXEC', 'O_CLOEXEC'],
    ['EFD_NONBLOCK', 'O_NONBLOCK'],
    ['EFD_CLOEXEC', 'O_CLOEXEC'],
  ]) {
    if (constants.get(libc) !== constants.get(flag)) {
      throw new Error(`${arch.name}: ${libc} != ${flag}: host libc constants do not apply`);
    }
  }
  return {
    constants: new Map([...constants].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    unevaluated: new Map([...unevaluated].sort()),
  };
}

/**
 * The host libc's constants of `family`, compiled and run-free (gcc -S), for x86_64.
 * @param {import('./constant-groups.mjs').ConstantFamily} family
 */
export function hostLibcConstants(family) {
  const cpp = spawnSync(
    'cpp',
    ['-dM', ...family.headers.flatMap((h) => ['-include', h]), '/dev/null'],
    { encoding: 'utf8' },
  );
  if (cpp.status !== 0) throw new Error(`cpp ${family.headers.join(' ')} failed:\n${cpp.stderr}`);
  const names = [...cpp.stdout.matchAll(/^#define (\w+)[ \t]/gm)]
    .map((m) => m[1])
    .filter((n) => family.names.test(n));
  const { values, failed } = compileValues(
    ['-m64'],
    family.headers,
    new Map(names.map((n) => [n, n])),
  );
  if (failed.size) console.log(`host libc: not integer constants: ${[...failed].join(', ')}`);
  return values;
}
