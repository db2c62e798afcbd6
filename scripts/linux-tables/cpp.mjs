// Runs the host C preprocessor as the preprocessor of one target arch (see arches.mjs): it lists
// the object-like macros a set of headers defines, and expands chosen macros to the token text the
// target compiler would see, so that c-expr.mjs only has to evaluate plain C expressions.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @param {import('./arches.mjs').ArchSpec} arch */
function cppArgs(arch) {
  return [
    '-undef',
    '-nostdinc',
    ...arch.predefines.map((d) => `-D${d}`),
    ...arch.include.map((dir) => `-I${dir}`),
  ];
}

/** Whether `header` exists in the arch's include path (some headers are x86-only). */
export function hasHeader(arch, header) {
  return arch.include.some((dir) => existsSync(join(dir, header)));
}

function runCpp(args) {
  const result = spawnSync('cpp', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`cpp ${args.join(' ')} failed:\n${result.stderr}`);
  // A header redefining another's macro with a different body would make the value depend on
  // include order: refuse to guess.
  if (/redefined/.test(result.stderr)) throw new Error(`cpp: macro redefined:\n${result.stderr}`);
  return result.stdout;
}

/**
 * Object-like macros defined after including `headers` (in that order), as name → raw body.
 * Function-like macros (`#define F(x) …`) are left out.
 * @returns {Map<string, string>}
 */
export function objectMacros(arch, headers) {
  const out = runCpp([
    '-dM',
    ...cppArgs(arch),
    ...headers.flatMap((h) => ['-include', h]),
    '/dev/null',
  ]);
  const macros = new Map();
  for (const m of out.matchAll(/^#define (\w+)(?:[ \t]+(.*))?$/gm)) macros.set(m[1], m[2] ?? '');
  return macros;
}

/** The headers' text after preprocessing (`cpp -P`): declarations without comments or macros. */
export function preprocessed(arch, headers) {
  return runCpp(['-P', ...cppArgs(arch), ...headers.flatMap((h) => ['-include', h]), '/dev/null']);
}

const MARK = '__gen_linux_tables_expand__';

/**
 * The full expansion of each named macro after including `headers`.
 * @param {string[]} names
 * @returns {Map<string, string>}
 */
export function expandMacros(arch, headers, names) {
  const dir = mkdtempSync(join(tmpdir(), 'gen-linux-cpp-'));
  try {
    const file = join(dir, 'expand.c');
    const body = names.map((n) => `${MARK} "${n}" ${n}`).join('\n');
    writeFileSync(file, `${headers.map((h) => `#include <${h}>`).join('\n')}\n${body}\n`);
    const out = runCpp(['-P', ...cppArgs(arch), file]);
    const expanded = new Map();
    for (const m of out.matchAll(new RegExp(`^${MARK} "(\\w+)"(.*)$`, 'gm'))) {
      expanded.set(m[1], m[2].trim());
    }
    const missing = names.filter((n) => !expanded.has(n));
    if (missing.length) throw new Error(`cpp did not expand ${missing.join(', ')}`);
    return expanded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The host toolchain's version, recorded in the generated files. */
export function cppVersion() {
  return execFileSync('cpp', ['--version'], { encoding: 'utf8' }).split('\n')[0];
}
