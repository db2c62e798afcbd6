import { useConnection } from './studio-context';

export function DisconnectedBanner() {
  const status = useConnection((s) => s.status);
  const detail = useConnection((s) => s.detail);
  if (status !== 'disconnected') return null;
  return (
    <div className="banner banner-error" role="alert">
      Disconnected from the Sandbox Studio backend — restart <code>npm run serve</code>
      {detail ? <span className="banner-detail"> ({detail})</span> : null}
    </div>
  );
}
