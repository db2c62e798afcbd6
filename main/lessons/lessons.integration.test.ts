import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessons } from '../../app/lessons/catalog';
import { instantiatePolicy } from '../../app/lessons/instantiate';
import type { Lesson } from '../../app/lessons/lesson';
import { hasErrors, parsePolicy } from '../../app/policy/parse';
import { landlockAbi } from '../../native-bridge/linux/layers/landlock';
import { createLessonsService } from '../backend/lessons-service';
import { loadSupervisor } from '../backend/supervisor-loader';
import { runCli } from '../cli/run-cli';
import { projectRoot } from '../paths';
import {
  compileLessonTarget,
  findCCompiler,
  LessonBuildError,
  NO_COMPILER_MESSAGE,
} from './compile-lesson-target';
import { runLessonAttempt } from './run-lesson';

/**
 * Every lesson on the real kernel: its program compiled with the system compiler, run through the
 * supervisor exactly as `sandbox-studio lesson` runs it. The starting policy must not meet the
 * goal and the solution must. Lessons that need what this machine may lack say so and skip.
 */
const root = projectRoot();
const built = ['launcher.mjs', 'notify-worker.mjs'].every((f) =>
  existsSync(join(root, 'dist', 'main', f)),
);
const compiler = findCCompiler(process.env.PATH);
const isRoot = process.geteuid?.() === 0;
const landlock = landlockAbi();
const hasLandlock = typeof landlock === 'number';

/** Why a lesson cannot run here, or undefined when it can. */
function missing(lesson: Lesson): string | undefined {
  if (!built) return 'dist/ is not built (npm run build)';
  if (!compiler) return NO_COMPILER_MESSAGE;
  if (lesson.id === 'capabilities' && !isRoot) return 'switching user and capabilities needs root';
  if (lesson.id === 'landlock' && !hasLandlock) return 'this kernel has no Landlock';
  return undefined;
}

let cache: string;
beforeAll(() => {
  // Lessons run their program as nobody, who must reach it: mkdtemp makes the folder 0700.
  cache = mkdtempSync(join(tmpdir(), 'lessons-it-'));
  chmodSync(cache, 0o755);
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

async function attempt(lesson: Lesson, which: 'startingPolicy' | 'solutionPolicy') {
  const program = lesson.target
    ? await compileLessonTarget(lesson.id, lesson.target, { cacheDir: cache })
    : null;
  const policyText = instantiatePolicy(lesson[which], program);
  const { policy, diagnostics } = parsePolicy(policyText);
  if (!policy || hasErrors(diagnostics)) throw new Error(`${lesson.id} ${which} has errors`);
  const events: string[] = [];
  const result = await runLessonAttempt({
    lesson,
    policy,
    policyText,
    file: `${lesson.id} ${which}`,
    startSession: await loadSupervisor(),
    onEvent: (event) => {
      if (event.type === 'stdout' || event.type === 'denied' || event.type === 'error') {
        events.push(JSON.stringify(event));
      }
    },
  });
  // On failure, the reasons and what the run printed are the useful part of the message.
  return { ...result.verdict, log: [...result.verdict.reasons, ...events].join('\n') };
}

describe.each(lessons.filter((l) => l.target).map((l) => [l.number, l.id, l] as const))(
  'lesson %i (%s) on the real kernel',
  (_number, _id, lesson) => {
    const reason = missing(lesson);
    it.skipIf(reason !== undefined)(
      `starting policy: goal not met${reason ? ` (skipped: ${reason})` : ''}`,
      async () => {
        const verdict = await attempt(lesson, 'startingPolicy');
        expect(verdict.met, verdict.log).toBe(false);
        expect(verdict.reasons.length).toBeGreaterThan(0);
      },
    );
    it.skipIf(reason !== undefined)(
      `solution: goal met${reason ? ` (skipped: ${reason})` : ''}`,
      async () => {
        const verdict = await attempt(lesson, 'solutionPolicy');
        expect(verdict.met, verdict.log).toBe(true);
      },
    );
  },
);

describe('the lesson with no program', () => {
  it('checks the policy alone: starting not met, solution met', async () => {
    const lesson = lessons.find((l) => l.target === null);
    expect(lesson?.id).toBe('capsicum-windows');
    if (!lesson) return;
    expect((await attempt(lesson, 'startingPolicy')).met).toBe(false);
    expect((await attempt(lesson, 'solutionPolicy')).met).toBe(true);
  });
});

describe('the lesson programs themselves', () => {
  it.skipIf(!compiler)(
    'strict-mode: outside the studio, strict mode kills the open with SIGKILL',
    async () => {
      const lesson = lessons[0];
      if (!lesson?.target) throw new Error('lesson 1 has a program');
      const program = await compileLessonTarget(lesson.id, lesson.target, { cacheDir: cache });
      const run = spawnSync(program, [], { encoding: 'utf8', timeout: 10_000 });
      expect(run.signal).toBe('SIGKILL');
      expect(run.stdout).toContain('[STRICT-ENTERED]');
      expect(run.stdout).toContain('[OPENING] /etc/passwd');
      expect(run.stdout).not.toContain('[OPENED]');
    },
  );

  it.skipIf(!compiler)(
    'static programs are static: no dynamic loader runs before main()',
    async () => {
      const interpreted: Record<string, boolean> = {};
      for (const lesson of lessons) {
        if (!lesson.target) continue;
        const program = await compileLessonTarget(lesson.id, lesson.target, { cacheDir: cache });
        interpreted[lesson.id] = hasInterpreter(readFileSync(program));
      }
      // Only the lesson about learning keeps the loader: its calls are part of what is learned.
      expect(interpreted).toEqual({
        'strict-mode': false,
        dumpable: false,
        allowlist: true,
        'openssh-preauth': false,
        tsync: false,
        capabilities: false,
        landlock: false,
      });
    },
  );

  it.skipIf(!compiler)(
    'dumpable: execve resets PR_SET_DUMPABLE 0, as lesson 2 says, so only the program can set it',
    async () => {
      const lesson = lessons.find((l) => l.id === 'dumpable');
      if (!lesson?.target) throw new Error('lesson 2 has a program');
      const program = await compileLessonTarget(lesson.id, lesson.target, { cacheDir: cache });
      // A launcher that makes itself non-dumpable, then executes the lesson program.
      const helperDir = mkdtempSync(join(cache, 'helper-'));
      writeFileSync(
        join(helperDir, 'nondumpable-exec.c'),
        '#include <sys/prctl.h>\n#include <unistd.h>\nint main(int argc, char **argv)\n{\n\t(void)argc;\n\tif (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)\n\t\treturn 125;\n\texecv(argv[1], argv + 1);\n\treturn 126;\n}\n',
      );
      const helper = await compileLessonTarget(
        'nondumpable-exec',
        { source: 'nondumpable-exec.c', args: [] },
        { sourcesDir: helperDir, cacheDir: helperDir },
      );
      const run = spawnSync(helper, [program], { encoding: 'utf8', timeout: 10_000 });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('[DUMPABLE-AT-START] 1:');
    },
  );

  it.skipIf(!compiler)('lessons.prepare builds a program the studio can run', async () => {
    const result = await createLessonsService({ cacheDir: cache }).prepare('strict-mode');
    if (!('path' in result)) throw new Error(result.error);
    expect(statSync(result.path).mode & 0o111).not.toBe(0);
  });
});

/** Whether a 64-bit little-endian ELF file has a PT_INTERP program header (a dynamic loader). */
function hasInterpreter(elf: Buffer): boolean {
  const PT_INTERP = 3;
  const offset = Number(elf.readBigUInt64LE(0x20));
  const size = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) {
    if (elf.readUInt32LE(offset + i * size) === PT_INTERP) return true;
  }
  return false;
}

describe('building lesson programs', () => {
  it('says how to install a compiler when PATH has none, through the CLI', async () => {
    const emptyPath = mkdtempSync(join(cache, 'no-compilers-'));
    let stderr = '';
    const code = await runCli(['lesson', 'strict-mode'], {
      io: { stdout: () => undefined, stderr: (text) => void (stderr += text) },
      lessonBuild: { cacheDir: join(cache, 'fresh'), env: { PATH: emptyPath } },
    });
    expect(code).toBe(1);
    expect(stderr).toBe(`lesson 1: ${NO_COMPILER_MESSAGE}\n`);
  });

  it.skipIf(!compiler)("reports the real compiler's error with the source line", async () => {
    const sources = join(cache, 'broken-sources');
    mkdirSync(sources);
    writeFileSync(join(sources, 'broken.c'), 'int main(void)\n{\n\treturn undefined_name;\n}\n');
    const error = await compileLessonTarget(
      'broken',
      { source: 'broken.c', args: [] },
      { sourcesDir: sources, cacheDir: join(cache, 'broken-cache') },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LessonBuildError);
    expect((error as Error).message).toMatch(
      /^compiling lessons\/broken\.c with \S+ -std=c2x -Wall -Werror -O1 -pthread failed \(exit status 1\):\n/,
    );
    expect((error as Error).message).toMatch(/broken\.c:3:\d+: error: .undefined_name. undeclared/);
  });
});
