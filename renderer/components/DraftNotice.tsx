import { ariaShortcuts, commandTooltip } from '../commands/registry';
import { describeAge } from './draft-age';
import { useCommands, useUi } from './studio-context';

/** Offers back the unsaved changes a crash or a closed window left behind. */
export function DraftNotice() {
  const offer = useUi((s) => s.draftOffer);
  const commands = useCommands();
  if (!offer) return null;
  const what = offer.name ?? 'an untitled policy';
  return (
    <section className="banner banner-draft" aria-label="Recovered unsaved changes">
      <p className="banner-text" role="status">
        Unsaved changes to <strong>{what}</strong> from {describeAge(offer.savedAt, Date.now())}{' '}
        were kept when the studio last closed.
      </p>
      <div className="banner-actions">
        <button
          type="button"
          className="button button-primary"
          title={commandTooltip('restoreDraft')}
          aria-keyshortcuts={ariaShortcuts('restoreDraft')}
          onClick={() => void commands.restoreDraft()}
        >
          Restore
        </button>
        <button
          type="button"
          className="button"
          title={commandTooltip('discardDraft')}
          aria-keyshortcuts={ariaShortcuts('discardDraft')}
          onClick={() => void commands.discardDraft()}
        >
          Discard
        </button>
      </div>
    </section>
  );
}
