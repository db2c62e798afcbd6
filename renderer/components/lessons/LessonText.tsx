import { Fragment } from 'react';
import { lessonParagraphs } from './lesson-text';

/** A lesson's prose: paragraphs, with `code` spans. */
export function LessonText({ body }: { body: string }) {
  return (
    <>
      {lessonParagraphs(body).map((parts, p) => (
        <p key={p} className="lesson-paragraph">
          {parts.map((part, i) =>
            part.code ? <code key={i}>{part.text}</code> : <Fragment key={i}>{part.text}</Fragment>,
          )}
        </p>
      ))}
    </>
  );
}
