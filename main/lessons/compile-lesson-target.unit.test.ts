import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lessons } from '../../app/lessons/catalog';
import {
  BASE_FLAGS,
  buildFlags,
  compileLessonTarget,
  findCCompiler,
  LessonBuildError,
  lessonSourcesDir,
  NO_COMPILER_MESSAGE,
} from './compile-lesson-target';

const TARGET = { source: 'demo.c', args: [] };
let work: string;

/** A stand-in compiler: a shell script that logs its arguments and writes `-o`'s file. */
function fakeCompiler(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "$@" >> "${join(work, 'calls.log')}"\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const WRITES_OUTPUT =
  'while [ $# -gt 0 ]; do if [ "$1" = -o ]; then shift; printf "#!/bin/sh\\n" > "$1"; fi; shift; done';

function calls(): string[] {
  try {
    return readFileSync(join(work, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lesson-build-'));
  writeFileSync(
    join(work, 'demo.c'),
    '/*\n * studio-build: -static\n */\nint main(void) { return 0; }\n',
  );
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('buildFlags', () => {
  it('adds what the source asks for in its studio-build line', () => {
    expect(buildFlags('/* studio-build: -static */\n', 'a.c')).toEqual([...BASE_FLAGS, '-static']);
    expect(buildFlags(' * studio-build: -static\n', 'a.c')).toEqual([...BASE_FLAGS, '-static']);
    expect(buildFlags('int main(void) { return 0; }\n', 'a.c')).toEqual(BASE_FLAGS);
    expect(BASE_FLAGS).toEqual(['-std=c2x', '-Wall', '-Werror', '-O1', '-pthread']);
  });

  it('refuses any other flag', () => {
    expect(() => buildFlags(' * studio-build: -static -fplugin=evil.so\n', 'a.c')).toThrow(
      'a.c: studio-build asks for -fplugin=evil.so; only -static may be added',
    );
  });
});

describe('findCCompiler', () => {
  it('takes cc, then gcc, then clang, from the PATH folders in order', () => {
    const first = mkdtempSync(join(work, 'a-'));
    const second = mkdtempSync(join(work, 'b-'));
    fakeCompiler(second, 'clang', '');
    expect(findCCompiler(`${first}:${second}`)).toBe(join(second, 'clang'));
    fakeCompiler(second, 'gcc', '');
    expect(findCCompiler(`${first}:${second}`)).toBe(join(second, 'gcc'));
    fakeCompiler(first, 'cc', '');
    expect(findCCompiler(`${first}:${second}`)).toBe(join(first, 'cc'));
  });

  it('skips files that are not executable, folders and empty PATH entries', () => {
    writeFileSync(join(work, 'cc'), 'not executable');
    expect(findCCompiler(`::${work}`)).toBeUndefined();
    expect(findCCompiler(undefined)).toBeUndefined();
  });
});

describe('compileLessonTarget', () => {
  const options = () => ({ sourcesDir: work, cacheDir: join(work, 'cache') });

  it('says how to get a compiler when PATH has none', async () => {
    const empty = mkdtempSync(join(work, 'bin-'));
    await expect(
      compileLessonTarget('demo', TARGET, { ...options(), env: { PATH: empty } }),
    ).rejects.toThrow(new LessonBuildError(NO_COMPILER_MESSAGE));
    expect(NO_COMPILER_MESSAGE).toBe(
      'no C compiler found (looked for cc, gcc, clang in PATH); install one, e.g. `apt-get install gcc`',
    );
  });

  it('builds once into a folder named by the hash of the source and flags, then reuses it', async () => {
    const bin = mkdtempSync(join(work, 'bin-'));
    fakeCompiler(bin, 'cc', WRITES_OUTPUT);
    const env = { PATH: bin };
    const path = await compileLessonTarget('demo', TARGET, { ...options(), env });
    expect(path).toMatch(new RegExp(`^${join(work, 'cache')}/[0-9a-f]{16}/demo$`));
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect(calls()).toEqual([`${BASE_FLAGS.join(' ')} -static -o demo demo.c`]);
    // The exact source sits next to the program; nothing else is left behind.
    expect((await readdir(join(path, '..'))).sort()).toEqual(['demo', 'demo.c']);

    expect(await compileLessonTarget('demo', TARGET, { ...options(), env })).toBe(path);
    expect(calls()).toHaveLength(1);

    writeFileSync(join(work, 'demo.c'), 'int main(void) { return 1; }\n');
    const rebuilt = await compileLessonTarget('demo', TARGET, { ...options(), env });
    expect(rebuilt).not.toBe(path);
    expect(calls()).toHaveLength(2);
  });

  it('shares one build between concurrent requests', async () => {
    const bin = mkdtempSync(join(work, 'bin-'));
    fakeCompiler(bin, 'cc', `sleep 0.2; ${WRITES_OUTPUT}`);
    const env = { PATH: bin };
    const paths = await Promise.all(
      [1, 2, 3].map(() => compileLessonTarget('demo', TARGET, { ...options(), env })),
    );
    expect(new Set(paths).size).toBe(1);
    expect(calls()).toHaveLength(1);
  });

  it("reports a compile error with the compiler's output and leaves no program", async () => {
    const bin = mkdtempSync(join(work, 'bin-'));
    fakeCompiler(bin, 'gcc', 'echo "demo.c:1:5: error: expected ‘;’" >&2; exit 1');
    const error = await compileLessonTarget('demo', TARGET, {
      ...options(),
      env: { PATH: bin },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LessonBuildError);
    expect((error as Error).message).toBe(
      `compiling lessons/demo.c with ${join(bin, 'gcc')} ${BASE_FLAGS.join(' ')} -static failed (exit status 1):\ndemo.c:1:5: error: expected ‘;’`,
    );
    const [hashDir] = await readdir(join(work, 'cache'));
    expect(await readdir(join(work, 'cache', hashDir ?? ''))).toEqual([]);
  });

  it('says which package has the static C library when static linking fails', async () => {
    const bin = mkdtempSync(join(work, 'bin-'));
    fakeCompiler(
      bin,
      'cc',
      'echo "/usr/bin/ld: cannot find -lc: No such file or directory" >&2; exit 1',
    );
    await expect(
      compileLessonTarget('demo', TARGET, { ...options(), env: { PATH: bin } }),
    ).rejects.toThrow(
      /install the static C library \(Debian and Ubuntu: libc6-dev; Fedora: glibc-static\)$/,
    );
  });

  it('refuses names that are not a plain lesson file', async () => {
    await expect(
      compileLessonTarget('demo', { source: '../etc/passwd', args: [] }, options()),
    ).rejects.toThrow('invalid lesson program name "../etc/passwd"');
    await expect(
      compileLessonTarget('demo', { source: 'missing.c', args: [] }, options()),
    ).rejects.toThrow(`cannot read the lesson source ${join(work, 'missing.c')} (ENOENT)`);
  });
});

describe('the lesson sources', () => {
  it('exist for every lesson with a program, with only allowed build flags', () => {
    for (const lesson of lessons) {
      if (!lesson.target) continue;
      const source = readFileSync(join(lessonSourcesDir(), lesson.target.source), 'utf8');
      expect(buildFlags(source, lesson.target.source).slice(0, BASE_FLAGS.length)).toEqual(
        BASE_FLAGS,
      );
      expect(source).toMatch(/\[[A-Z-]+\]/);
    }
  });
});
