import type { BackendClient } from '../../app/api/contract';
import type { ConnectionListener } from './connection';
import { takePageToken, socketUrl } from './page-token';
import { createPreloadClient, isPreloadBridge } from './preload-client';
import { createSocketClient } from './socket-client';

declare global {
  interface Window {
    sandboxStudio?: unknown;
  }
}

/**
 * The backend for this page: Electron's preload bridge when present, else the web-mode socket on
 * this page's host, authenticated with the token the server printed in the URL.
 */
export function createClient(onStatus: ConnectionListener = () => undefined): BackendClient {
  if (isPreloadBridge(window.sandboxStudio)) {
    onStatus('connected');
    return createPreloadClient(window.sandboxStudio);
  }
  const { token, cleanedUrl } = takePageToken(window.location.href, window.sessionStorage);
  if (cleanedUrl !== undefined) window.history.replaceState(window.history.state, '', cleanedUrl);
  return createSocketClient(new WebSocket(socketUrl(window.location.href, token)), onStatus);
}
