import { memo, useEffect, useRef } from 'react';
import type { CompiledView } from './compiled-view';
import { highlightOf, type Highlight } from './highlight';

interface DisassemblyProps {
  readonly view: CompiledView;
  readonly highlight: Highlight;
  /** An instruction some rule produced was clicked. */
  readonly onPick: (pc: number) => void;
}

const pcText = (pc: number): string => String(pc).padStart(4, '0');

interface RowProps {
  readonly pc: number;
  readonly text: string;
  readonly mark: 'own' | 'path' | null;
  readonly onPick: ((pc: number) => void) | null;
}

const Row = memo(function Row({ pc, text, mark, onPick }: RowProps) {
  const content = (
    <>
      <span className="filter-disasm-pc">{pcText(pc)}</span>
      <span className="filter-disasm-text">{text}</span>
    </>
  );
  return (
    <li data-pc={pc} data-highlight={mark ?? undefined}>
      {onPick ? (
        <button type="button" title="Show the rule that produced this" onClick={() => onPick(pc)}>
          {content}
        </button>
      ) : (
        content
      )}
    </li>
  );
});

/** The listing of the compiled filter; the rule at the cursor's instructions highlighted. */
export function Disassembly({ view, highlight, onPick }: DisassemblyProps) {
  const list = useRef<HTMLOListElement>(null);
  const first = highlight.own.size > 0 ? Math.min(...highlight.own) : null;
  useEffect(() => {
    if (first === null) return;
    list.current?.querySelector(`[data-pc="${first}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [first, view]);
  return (
    <ol className="filter-disasm" ref={list} aria-label="Disassembly" data-testid="filter-disasm">
      {view.listing.map((text, pc) => (
        <Row
          key={pc}
          pc={pc}
          text={text}
          mark={highlightOf(highlight, [pc])}
          onPick={(view.origins.byInstruction[pc]?.length ?? 0) > 0 ? onPick : null}
        />
      ))}
    </ol>
  );
}
