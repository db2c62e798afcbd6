/** Where the web-mode token survives a reload once it has left the address bar. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const TOKEN_STORAGE_KEY = 'sandbox-studio.token';

export interface PageToken {
  readonly token: string | undefined;
  /** The page address without the token, or undefined when the address had none. */
  readonly cleanedUrl: string | undefined;
}

/**
 * Takes the backend token from the page address (`?token=...`), remembers it for reloads, and says
 * which address to show instead, so the secret does not linger in the address bar or history.
 */
export function takePageToken(href: string, storage: TokenStorage): PageToken {
  const url = new URL(href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    return { token: fromUrl, cleanedUrl: url.pathname + url.search + url.hash };
  }
  return { token: storage.getItem(TOKEN_STORAGE_KEY) ?? undefined, cleanedUrl: undefined };
}

/** ws://host/api?token=... for an http page, wss:// for https. */
export function socketUrl(pageHref: string, token: string | undefined): string {
  const page = new URL(pageHref);
  const url = new URL('/api', page);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}
