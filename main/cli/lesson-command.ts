import { resolve } from 'node:path';
import { lessonByIdOrNumber } from '../../app/lessons/catalog';
import { instantiatePolicy } from '../../app/lessons/instantiate';
import type { Lesson, LessonVerdict } from '../../app/lessons/lesson';
import type { Policy } from '../../app/policy/model';
import { hasErrors, parsePolicy } from '../../app/policy/parse';
import { formatDiagnostic } from '../../app/policy/source-range';
import { createIncludeReader } from '../backend/include-reader';
import { readPolicyFile } from '../backend/read-policy-file';
import type { StartSession } from '../backend/supervisor-loader';
import {
  compileLessonTarget,
  LessonBuildError,
  type LessonBuildOptions,
} from '../lessons/compile-lesson-target';
import { runLessonAttempt, type LessonRunResult } from '../lessons/run-lesson';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { createEventPrinter } from './event-printer';
import { formatTallyTable } from './format-event';

export interface LessonOptions {
  /** The lesson's id or number. */
  readonly lesson: string;
  /** A policy file to run instead of the starting policy. */
  readonly policy?: string;
  /** Run the lesson's solution instead of the starting policy. */
  readonly solution: boolean;
  /** Print the instantiated policy and run nothing. */
  readonly printPolicy: boolean;
  readonly json: boolean;
}

interface LessonPolicy {
  /** For messages: the file, or which of the lesson's policies. */
  readonly label: string;
  readonly text: string;
  /** The file's absolute path (for its includes), when it is a file. */
  readonly path?: string;
}

/**
 * `lesson ID|N`: compiles the lesson's program, runs it under the starting policy (or the
 * solution, or FILE) in the goal's mode, prints the run as `check` does, then the goal's verdict.
 * Exit 0 when the goal is met, 1 when not (or the program cannot be built), 2 for bad input.
 */
export async function lessonCommand(
  options: LessonOptions,
  io: CliIo,
  startSession: () => Promise<StartSession>,
  build: LessonBuildOptions = {},
): Promise<number> {
  const lesson = lessonByIdOrNumber(options.lesson);
  if (!lesson) {
    throw new UsageError(
      `there is no lesson ${JSON.stringify(options.lesson)}: \`sandbox-studio lessons\` lists them`,
      'lesson',
    );
  }
  const program = await buildProgram(lesson, build);
  const source = await lessonPolicy(lesson, options);
  const text = instantiatePolicy(source.text, program);
  if (options.printPolicy) {
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return EXIT_OK;
  }
  const policy = parseLessonPolicy(source, text, io);
  const report = options.json ? io.stderr : io.stdout;
  writeLines(report, header(lesson, source, program));
  const result = await runLessonAttempt({
    lesson,
    policy,
    policyText: text,
    file: source.label,
    startSession: lesson.goal.mode === null ? notNeeded : await startSession(),
    onEvent: createEventPrinter(io, { json: options.json, all: false }),
  });
  writeLines(report, [...runSummary(result), ...describeVerdict(result.verdict)]);
  return result.verdict.met ? EXIT_OK : EXIT_FAILURE;
}

const notNeeded: StartSession = () => {
  throw new Error('a lesson about the policy alone runs nothing');
};

async function buildProgram(lesson: Lesson, build: LessonBuildOptions): Promise<string | null> {
  if (!lesson.target) return null;
  try {
    return await compileLessonTarget(lesson.id, lesson.target, build);
  } catch (error) {
    if (error instanceof LessonBuildError) {
      throw new CliError(`lesson ${lesson.number}: ${error.message}`, EXIT_FAILURE);
    }
    throw error;
  }
}

async function lessonPolicy(lesson: Lesson, options: LessonOptions): Promise<LessonPolicy> {
  if (options.policy !== undefined && options.solution) {
    throw new UsageError('give --policy FILE or --solution, not both', 'lesson');
  }
  if (options.policy !== undefined) {
    const path = resolve(options.policy);
    try {
      return { label: options.policy, text: await readPolicyFile(path, options.policy), path };
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error), EXIT_USAGE);
    }
  }
  return options.solution
    ? { label: `lesson ${lesson.number}'s solution`, text: lesson.solutionPolicy }
    : { label: `lesson ${lesson.number}'s starting policy`, text: lesson.startingPolicy };
}

/** Errors become `FILE:LINE:COL: error: message` lines and exit 2; warnings go to stderr. */
function parseLessonPolicy(source: LessonPolicy, text: string, io: CliIo): Policy {
  const { policy, diagnostics } = parsePolicy(text, {
    ...(source.path !== undefined && { path: source.path, readInclude: createIncludeReader() }),
  });
  const lines = diagnostics.map((d) => formatDiagnostic(source.label, d));
  if (!policy || hasErrors(diagnostics)) {
    throw new CliError(lines.join('\n') || `${source.label}: error: invalid policy`, EXIT_USAGE);
  }
  writeLines(io.stderr, lines);
  return policy;
}

function header(lesson: Lesson, source: LessonPolicy, program: string | null): string[] {
  const mode = lesson.goal.mode;
  return [
    `Lesson ${lesson.number}: ${lesson.title}`,
    `Goal: ${lesson.goal.description}`,
    mode === null
      ? `Checking ${source.label} (nothing to run: the goal is about the policy)`
      : `Running ${program ?? 'the program'} under ${source.label} in ${mode} mode`,
  ];
}

/** What `check` (or `learn`) prints after the run's events. */
function runSummary(result: LessonRunResult): string[] {
  if (!result.run || result.mode === null) return [];
  const verdict = result.run.digest.summarize(result.mode);
  if (result.mode === 'learn') {
    return [verdict.headline, ...formatTallyTable(result.run.digest.tally('syscall'))];
  }
  return [
    ...verdict.details.map((line) => `  ${line}`),
    `${result.mode} ${verdict.clean ? 'passed' : 'failed'}: ${verdict.headline}`,
  ];
}

function describeVerdict(verdict: LessonVerdict): string[] {
  return [
    verdict.met ? 'Goal met:' : 'Goal not met:',
    ...verdict.reasons.map((reason) => `  - ${reason}`),
  ];
}
