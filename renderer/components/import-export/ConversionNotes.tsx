import type { SourceRange } from '../../../app/policy/source-range';
import { noteLocation, type ConversionNote } from './conversions';

interface ConversionNotesProps {
  readonly label: string;
  readonly notes: readonly ConversionNote[];
  readonly severity: 'warning' | 'error';
  /** Shows a note's range in the policy editor; without it locations are plain text. */
  readonly onShow?: (range: SourceRange) => void;
}

/** Warnings or an error of a conversion, each with its line:column. */
export function ConversionNotes({ label, notes, severity, onShow }: ConversionNotesProps) {
  if (notes.length === 0) return null;
  return (
    <ul
      className={`ie-notes ie-notes-${severity}`}
      aria-label={label}
      role={severity === 'error' ? 'alert' : undefined}
    >
      {notes.map((note, i) => (
        <li key={i} className="ie-note">
          <NoteLocation note={note} {...(onShow && { onShow })} />
          <span className="ie-note-severity">{severity}:</span> {note.message}
        </li>
      ))}
    </ul>
  );
}

function NoteLocation({
  note,
  onShow,
}: {
  note: ConversionNote;
  onShow?: (range: SourceRange) => void;
}) {
  const where = noteLocation(note);
  if (!where) return null;
  const range = note.range;
  if (!onShow || !range || note.file !== undefined) {
    return <span className="ie-note-location">{where}</span>;
  }
  return (
    <button
      type="button"
      className="ie-note-location ie-note-link"
      title="Show this line in the policy editor"
      onClick={() => onShow(range)}
    >
      {where}
    </button>
  );
}
