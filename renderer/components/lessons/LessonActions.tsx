import type { Lesson } from '../../../app/lessons/lesson';
import { ariaShortcuts, commandTooltip, shortcutLabel } from '../../commands/registry';
import { useAvailability, useCommands, useStudio } from '../studio-context';
import { MODE_LABEL, preparingMessage } from './lesson-view-model';
import { useLessons } from './use-lessons';

/**
 * Start the lesson (compile its program, open its starting policy), run it or check the policy,
 * and the solution; with the compile's progress and its failure (no C compiler…) in plain words.
 */
export function LessonActions({ lesson }: { lesson: Lesson }) {
  const { stores } = useStudio();
  const preparing = useLessons((s) => s.preparing);
  const problem = useLessons((s) => (s.problem?.lessonId === lesson.id ? s.problem.message : null));
  const active = useLessons((s) => s.activeId === lesson.id);
  const lessons = stores.lessons;
  const busy = preparing !== null;
  return (
    <section className="lesson-actions" aria-label="Lesson actions">
      <div className="lesson-buttons">
        <button
          type="button"
          className={`button${active ? '' : ' button-primary'}`}
          disabled={busy}
          onClick={() => void lessons.getState().start()}
        >
          {active ? 'Restart lesson' : 'Start lesson'}
        </button>
        {active || lesson.goal.mode === null ? <GoalButton lesson={lesson} /> : null}
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void lessons.getState().showSolution()}
        >
          Show solution
        </button>
      </div>
      {preparing?.lessonId === lesson.id ? (
        <p className="lesson-progress" role="status">
          <span className="lesson-spinner" aria-hidden="true" />
          {preparingMessage(lesson)}
        </p>
      ) : null}
      {problem !== null ? (
        <div className="lesson-problem" role="alert">
          <strong>The lesson could not be prepared.</strong>
          <pre>{problem}</pre>
        </div>
      ) : null}
    </section>
  );
}

/** What checks the goal: the run mode's command, or the policy check. */
function GoalButton({ lesson }: { lesson: Lesson }) {
  const { stores } = useStudio();
  const commands = useCommands();
  const available = useAvailability();
  const mode = lesson.goal.mode;
  if (mode === null) {
    return (
      <button
        type="button"
        className="button button-primary"
        onClick={() => stores.lessons.getState().checkPolicy()}
      >
        Check my policy
      </button>
    );
  }
  return (
    <button
      type="button"
      className="button button-primary"
      disabled={!available[mode]}
      title={commandTooltip(mode)}
      aria-keyshortcuts={ariaShortcuts(mode)}
      onClick={() => void commands[mode]()}
    >
      Run {MODE_LABEL[mode]} ({shortcutLabel(mode)})
    </button>
  );
}
