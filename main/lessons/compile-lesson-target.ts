import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { LessonTarget } from '../../app/lessons/lesson';
import { projectRoot } from '../paths';
import { lessonCacheDir } from './lesson-cache-dir';

/** Every lesson program is built the same way; a source may add `-static` (see below). */
export const BASE_FLAGS: readonly string[] = ['-std=c2x', '-Wall', '-Werror', '-O1', '-pthread'];
/** Flags a source may ask for in a `studio-build:` line of its header comment. */
const ALLOWED_EXTRA_FLAGS: ReadonlySet<string> = new Set(['-static']);
const BUILD_DIRECTIVE = /^\s*(?:\/\*|\*)?\s*studio-build:(.*?)\s*(?:\*\/)?\s*$/m;
export const COMPILER_NAMES: readonly string[] = ['cc', 'gcc', 'clang'];
const COMPILE_TIMEOUT_MS = 120_000;

export const NO_COMPILER_MESSAGE = `no C compiler found (looked for ${COMPILER_NAMES.join(', ')} in PATH); install one, e.g. \`apt-get install gcc\``;

/** Why a lesson program could not be built; the message is meant for the student. */
export class LessonBuildError extends Error {
  override readonly name = 'LessonBuildError';
}

export interface LessonBuildOptions {
  /** The folder of the C sources (default: `lessons/` at the project root). */
  readonly sourcesDir?: string;
  /** Where built programs are kept (default: lessonCacheDir()). */
  readonly cacheDir?: string;
  /** PATH is where the compiler is looked for (default: this process's environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function lessonSourcesDir(): string {
  return join(projectRoot(), 'lessons');
}

/** Builds in progress in this process, by output path: a second request waits for the first. */
const building = new Map<string, Promise<string>>();

/**
 * The absolute path of the lesson's program, compiled from `lessons/<source>` with the system C
 * compiler on first use. Programs are cached under a hash of the source and flags, so an edited
 * source is rebuilt; the build goes to a temporary name renamed into place, so a reader never
 * sees half a program. Throws LessonBuildError (no compiler, a compile error) otherwise.
 */
export async function compileLessonTarget(
  id: string,
  target: LessonTarget,
  options: LessonBuildOptions = {},
): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(id) || !/^[a-z0-9-]+\.c$/.test(target.source)) {
    throw new LessonBuildError(`invalid lesson program name ${JSON.stringify(target.source)}`);
  }
  const source = await readSource(options.sourcesDir ?? lessonSourcesDir(), target.source);
  const flags = buildFlags(source, target.source);
  const hash = createHash('sha256')
    .update(`${flags.join(' ')}\0${source}`)
    .digest('hex')
    .slice(0, 16);
  const dir = join(options.cacheDir ?? lessonCacheDir({ env: options.env ?? process.env }), hash);
  const output = join(dir, id);
  const pending = building.get(output);
  if (pending) return pending;
  const build = buildOnce({ id, source, sourceName: target.source, flags, dir, output, options });
  building.set(output, build);
  try {
    return await build;
  } finally {
    building.delete(output);
  }
}

async function readSource(sourcesDir: string, name: string): Promise<string> {
  try {
    return await readFile(join(sourcesDir, name), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new LessonBuildError(`cannot read the lesson source ${join(sourcesDir, name)} (${code})`);
  }
}

/** BASE_FLAGS plus what the source's `studio-build:` line asks for, from a short allowed list. */
export function buildFlags(source: string, name: string): string[] {
  const requested = BUILD_DIRECTIVE.exec(source)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
  for (const flag of requested) {
    if (!ALLOWED_EXTRA_FLAGS.has(flag)) {
      throw new LessonBuildError(
        `${name}: studio-build asks for ${flag}; only ${[...ALLOWED_EXTRA_FLAGS].join(', ')} may be added`,
      );
    }
  }
  return [...BASE_FLAGS, ...requested];
}

/** The first of cc, gcc, clang that PATH holds as an executable file. */
export function findCCompiler(path: string | undefined): string | undefined {
  const dirs = (path ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const name of COMPILER_NAMES) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface Build {
  readonly id: string;
  readonly source: string;
  readonly sourceName: string;
  readonly flags: readonly string[];
  readonly dir: string;
  readonly output: string;
  readonly options: LessonBuildOptions;
}

async function buildOnce(build: Build): Promise<string> {
  if (await isBuilt(build.output)) return build.output;
  const compiler = findCCompiler((build.options.env ?? process.env).PATH);
  if (compiler === undefined) throw new LessonBuildError(NO_COMPILER_MESSAGE);
  await ensureDirectory(build.dir);
  // A private folder per build: the compiler reads a real file (the sources may sit in an app
  // archive), and its messages name the source as `strict-mode.c:12:3`.
  const work = join(build.dir, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(work, { mode: 0o755 });
    await writeFile(join(work, build.sourceName), build.source, { mode: 0o644 });
    await runCompiler(compiler, [...build.flags, '-o', build.id, build.sourceName], work, build);
    await chmod(join(work, build.id), 0o755);
    await rename(join(work, build.id), build.output);
    // The exact source next to the program, for the curious.
    await rename(join(work, build.sourceName), join(build.dir, build.sourceName));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return build.output;
}

async function isBuilt(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return info.isFile() && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * mkdir -p, every new folder 0755 whatever the umask: lessons run their program as another
 * user (`user: nobody`), who must be able to reach it.
 */
async function ensureDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let path = dir; !(await exists(path)); path = dirname(path)) missing.unshift(path);
  for (const path of missing) {
    try {
      await mkdir(path, { mode: 0o755 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cacheError(path, error);
      continue;
    }
    await chmod(path, 0o755);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function cacheError(path: string, error: unknown): LessonBuildError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new LessonBuildError(`cannot create the lesson cache folder ${path} (${code})`);
}

function runCompiler(
  compiler: string,
  args: readonly string[],
  cwd: string,
  build: Build,
): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      compiler,
      args,
      { timeout: COMPILE_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, cwd },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        reject(compileFailure(compiler, build, `${stdout}${stderr}`.trim(), error));
      },
    );
  });
}

function compileFailure(
  compiler: string,
  build: Build,
  output: string,
  error: Error & { code?: unknown; killed?: boolean },
): LessonBuildError {
  const how = error.killed
    ? `took longer than ${COMPILE_TIMEOUT_MS / 1000} s`
    : typeof error.code === 'string'
      ? `could not run (${error.code})`
      : `failed (exit status ${String(error.code ?? '?')})`;
  // The static C library is a separate package on most distributions.
  const staticHint =
    build.flags.includes('-static') && /cannot find -l(c|pthread)\b/.test(output)
      ? '\nthis lesson links its program statically: install the static C library (Debian and Ubuntu: libc6-dev; Fedora: glibc-static)'
      : '';
  return new LessonBuildError(
    `compiling lessons/${build.sourceName} with ${compiler} ${build.flags.join(' ')} ${how}${output ? `:\n${output}` : ''}${staticHint}`,
  );
}
