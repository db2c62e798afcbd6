import type { RunMode } from '../api/contract';
import type { TraceEvent } from '../trace/events';

/**
 * A guided exercise: a small target program (C source in `lessons/`), a starting policy, a goal,
 * and a check that says when the goal is met. Lessons are data; the panel, the CLI and the tests
 * all read the same catalog (app/lessons/catalog.ts).
 */
export interface Lesson {
  /** Stable id, also the CLI argument and the C source's base name: `strict-mode`. */
  readonly id: string;
  /** 1-based position in the course. */
  readonly number: number;
  readonly title: string;
  /** One or two sentences: what the lesson teaches. */
  readonly summary: string;
  readonly steps: readonly LessonStep[];
  /**
   * The program the lesson runs, compiled from `lessons/<source>` on first use; `null` for
   * authoring-only lessons (Capsicum, Windows mitigations) whose goal is about the policy.
   */
  readonly target: LessonTarget | null;
  /**
   * The policy the student starts from. `{{target}}` stands for the compiled program's absolute
   * path and is replaced (see `instantiatePolicy`) before the text reaches the editor or the CLI.
   */
  readonly startingPolicy: string;
  /** A policy that meets the goal (the same placeholder), shown on request and used by tests. */
  readonly solutionPolicy: string;
  readonly goal: LessonGoal;
}

export interface LessonStep {
  readonly title: string;
  /** Plain text with paragraphs separated by blank lines; `code` spans in backquotes. */
  readonly body: string;
  /** Optional hint shown on request. */
  readonly hint?: string;
}

export interface LessonTarget {
  /** C source file name under `lessons/`, e.g. `strict-mode.c`. */
  readonly source: string;
  /** Arguments after the program path. */
  readonly args: readonly string[];
}

export interface LessonGoal {
  /** What the student must achieve, in one sentence ("Make it run cleanly"). */
  readonly description: string;
  /** The run mode the check expects; `null` when the goal is about the policy alone. */
  readonly mode: RunMode | null;
}

/** What the check looks at: the policy as the student wrote it and, for run goals, the run. */
export interface LessonAttempt {
  readonly policyText: string;
  readonly mode: RunMode | null;
  /** Every event of the finished run (lesson runs are small), or null when nothing ran. */
  readonly events: readonly TraceEvent[] | null;
}

export interface LessonVerdict {
  readonly met: boolean;
  /** Why (not) met, one line each, most important first. */
  readonly reasons: readonly string[];
}

export const TARGET_PLACEHOLDER = '{{target}}';
