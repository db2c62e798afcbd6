import { useId } from 'react';

interface FormatChoiceProps<F extends string> {
  readonly legend: string;
  readonly formats: readonly { readonly id: F; readonly label: string }[];
  readonly value: F;
  readonly onChange: (format: F) => void;
}

/** The formats as a radio group: every choice visible at once, arrow keys move between them. */
export function FormatChoice<F extends string>({
  legend,
  formats,
  value,
  onChange,
}: FormatChoiceProps<F>) {
  const name = useId();
  return (
    <fieldset className="ie-formats">
      <legend>{legend}</legend>
      {formats.map((f) => (
        <label key={f.id} className="ie-format">
          <input
            type="radio"
            name={name}
            value={f.id}
            checked={f.id === value}
            data-autofocus={f.id === value ? true : undefined}
            onChange={() => onChange(f.id)}
          />
          <span className="ie-format-id">{f.id}</span>
          <span className="ie-format-label">{f.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
