import { useStudio, useUi } from './studio-context';

/** Failures of commands (a save refused, a run that did not start), until dismissed. */
export function Notices() {
  const { stores } = useStudio();
  const notices = useUi((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div
          key={n.id}
          className={`notice notice-${n.tone}`}
          role={n.tone === 'error' ? 'alert' : 'status'}
        >
          <span className="notice-text">{n.text}</span>
          <button
            type="button"
            className="notice-dismiss"
            aria-label="Dismiss"
            onClick={() => stores.ui.getState().dismissNotice(n.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
