import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../app/trace/events';
import { scriptedSupervisor, type ScriptedRun } from '../backend/testing/scripted-session';
import type { LessonBuildOptions } from '../lessons/compile-lesson-target';
import { parseCliArgs } from './args';
import { UsageError } from './cli-error';
import { wrap } from './lessons-command';
import { runCli } from './run-cli';

let work: string;
let build: LessonBuildOptions;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lesson-cli-'));
  const cc = join(work, 'cc');
  writeFileSync(
    cc,
    '#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ "$1" = -o ]; then shift; : > "$1"; fi; shift; done\n',
  );
  chmodSync(cc, 0o755);
  build = { cacheDir: join(work, 'cache'), env: { PATH: work } };
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

async function cli(argv: string[], script?: ScriptedRun) {
  let stdout = '';
  let stderr = '';
  const supervisor = script ? scriptedSupervisor(script) : undefined;
  const code = await runCli(argv, {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    lessonBuild: build,
    loadSupervisor: () => {
      if (!supervisor) throw new Error('this test runs nothing');
      return Promise.resolve(supervisor.start);
    },
  });
  return { code, stdout, stderr, started: supervisor?.started ?? [] };
}

const PID = 42;
function tsyncRun(workerLine: string): ScriptedRun {
  const events: TraceEvent[] = [
    { type: 'exec', t: 1, pid: PID, tid: PID, path: '/p/tsync', argv: ['/p/tsync'] },
    {
      type: 'stdout',
      t: 2,
      data: `[BLOCKED-MAIN] thread 42: open /etc/passwd: Operation not permitted\n${workerLine}\n[DONE]\n`,
    },
    { type: 'exit', t: 3, pid: PID, code: 0, signal: null },
  ];
  return {
    batches: [events],
    outcome: { exit: { type: 'exit', t: 3, pid: PID, code: 0, signal: null }, denials: 0 },
  };
}

describe('sandbox-studio lessons / lesson: arguments', () => {
  it('parses a lesson by number or name with its options', () => {
    expect(parseCliArgs(['lessons'])).toEqual({ kind: 'lessons' });
    expect(parseCliArgs(['lesson', '3'])).toEqual({
      kind: 'lesson',
      lesson: '3',
      solution: false,
      printPolicy: false,
      json: false,
    });
    expect(parseCliArgs(['lesson', 'tsync', '--solution', '--json', '--print-policy'])).toEqual({
      kind: 'lesson',
      lesson: 'tsync',
      solution: true,
      printPolicy: true,
      json: true,
    });
    expect(parseCliArgs(['lesson', '-p', 'mine.yaml', '7'])).toMatchObject({
      lesson: '7',
      policy: 'mine.yaml',
    });
    expect(parseCliArgs(['lesson', '--help'])).toEqual({ kind: 'help', topic: 'lesson' });
  });

  it('refuses what it does not understand (exit 2)', () => {
    const bad = [
      [['lesson'], 'lesson needs a lesson: its number or name (see `lessons`)'],
      [['lesson', '1', '2'], 'unexpected argument 2'],
      [
        ['lesson', '1', '--policy', 'x', '--solution'],
        'give --policy FILE or --solution, not both',
      ],
      [['lesson', '1', '--', '/bin/true'], 'lesson does not run a program: remove "-- /bin/true"'],
      [['lesson', '1', '--all'], 'unknown option --all'],
      [['lessons', 'x'], 'lessons takes no arguments (got x)'],
    ] as const;
    for (const [argv, message] of bad) {
      const error = (() => {
        try {
          parseCliArgs(argv);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toBe(message);
    }
  });
});

describe('sandbox-studio lessons', () => {
  it('lists every lesson with its number, name, title and goal', async () => {
    const { code, stdout } = await cli(['lessons']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^ 1\. strict-mode {7}Seccomp strict mode\n {4}Goal: Make it fail safely/,
    );
    expect(stdout).toContain(
      ' 8. capsicum-windows  Capsicum and Windows mitigations (authoring only)\n',
    );
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('wraps words at the width', () => {
    expect(wrap('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrap('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
    expect(wrap('  ', 5)).toEqual([]);
  });
});

describe('sandbox-studio lesson', () => {
  it('runs the program under the starting policy in the goal mode and prints the verdict', async () => {
    const opened = '[OPENED-WORKER] thread 43 opened /etc/passwd: root:x:0:0';
    const { code, stdout, started } = await cli(['lesson', '5'], tsyncRun(opened));
    expect(code).toBe(1);
    expect(started).toHaveLength(1);
    expect(started[0]?.mode).toBe('check');
    expect(started[0]?.policy.target?.command).toEqual([
      expect.stringMatching(/\/cache\/[0-9a-f]{16}\/tsync$/),
    ]);
    expect(stdout).toContain('Lesson 5: Threads and TSYNC\nGoal: Make every thread sandboxed');
    expect(stdout).toMatch(/Running \S+\/tsync under lesson 5's starting policy in check mode\n/);
    expect(stdout).toContain(`${opened}\n`);
    expect(stdout).toContain('check passed: ran cleanly');
    expect(stdout).toContain(
      `Goal not met:\n  - the worker escaped: thread 43 opened /etc/passwd: root:x:0:0 after the main thread had sandboxed the process\n`,
    );
  });

  it('exits 0 when the goal is met, and runs the solution on --solution', async () => {
    const blocked = '[BLOCKED-WORKER] thread 43: open /etc/passwd: Operation not permitted';
    const { code, stdout, started } = await cli(
      ['lesson', 'tsync', '--solution'],
      tsyncRun(blocked),
    );
    expect(started[0]?.policy.target?.command[1]).toBe('--tsync');
    expect(stdout).toContain("under lesson 5's solution in check mode");
    expect(stdout).toContain(
      `Goal met:\n  - the worker was refused too: ${blocked.slice('[BLOCKED-WORKER] '.length)}\n`,
    );
    expect(code).toBe(0);
  });

  it('prints events as JSON on stdout and the rest on stderr with --json', async () => {
    const blocked = '[BLOCKED-WORKER] thread 43: open /etc/passwd: Operation not permitted';
    const { stdout, stderr } = await cli(['lesson', '5', '--json'], tsyncRun(blocked));
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as TraceEvent);
    expect(events.map((e) => e.type)).toEqual(['exec', 'stdout', 'exit']);
    expect(stderr).toContain('Goal met:');
  });

  it('prints the instantiated policy with --print-policy and runs nothing', async () => {
    const { code, stdout } = await cli(['lesson', '5', '--print-policy']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# Lesson 5: threads and TSYNC\./);
    expect(stdout).toMatch(/command: \["\S+\/cache\/[0-9a-f]{16}\/tsync"\]\n/);
    const solution = await cli(['lesson', '5', '--print-policy', '--solution']);
    expect(solution.stdout).toMatch(/command: \["\S+\/tsync", --tsync\]\n/);
  });

  it('runs a policy file, filling in the program for {{target}}', async () => {
    const file = join(work, 'mine.sandbox.yaml');
    writeFileSync(file, "version: 1\ntarget: { command: ['{{target}}', --tsync] }\n");
    const blocked = '[BLOCKED-WORKER] thread 43: open /etc/passwd: Operation not permitted';
    const { code, started, stdout } = await cli(
      ['lesson', '5', '--policy', file],
      tsyncRun(blocked),
    );
    expect(started[0]?.policy.target?.command).toEqual([
      expect.stringMatching(/\/tsync$/),
      '--tsync',
    ]);
    expect(stdout).toContain(`under ${file} in check mode`);
    expect(code).toBe(0);
  });

  it('reports policy errors at their place and exits 2', async () => {
    const file = join(work, 'broken.sandbox.yaml');
    writeFileSync(file, 'version: 1\nlinux:\n  seccomp:\n    default: allw\n');
    const { code, stderr } = await cli(['lesson', '5', '--policy', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^${file}:4:14: error: `));
    const missing = await cli(['lesson', '5', '--policy', join(work, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^cannot open \S+nope\.yaml: /);
  });

  it('checks a policy-only lesson without running anything', async () => {
    const solution = await cli(['lesson', '8', '--solution']);
    expect(solution.code).toBe(0);
    expect(solution.stdout).toContain(
      "Checking lesson 8's solution (nothing to run: the goal is about the policy)\nGoal met:\n",
    );
    const start = await cli(['lesson', 'capsicum-windows']);
    expect(start.code).toBe(1);
    expect(start.stdout).toContain(
      'Goal not met:\n  - the policy has no `freebsd: capsicum:` section\n  - the policy has no `windows: mitigations:` section\n',
    );
  });

  it('names an unknown lesson (exit 2) and a missing compiler (exit 1)', async () => {
    const unknown = await cli(['lesson', '9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no lesson "9": `sandbox-studio lessons` lists them');
    build = { ...build, env: { PATH: join(work, 'cache') } };
    const noCompiler = await cli(['lesson', '1']);
    expect(noCompiler.code).toBe(1);
    expect(noCompiler.stderr).toBe(
      'lesson 1: no C compiler found (looked for cc, gcc, clang in PATH); install one, e.g. `apt-get install gcc`\n',
    );
  });
});
