export interface CspOptions {
  /** Web mode talks to the backend over a WebSocket on the loopback interface. */
  readonly loopbackWebSocket: boolean;
}

/**
 * The renderer's Content-Security-Policy: only its own scripts (Monaco's workers come as blobs),
 * inline styles for Monaco, no framing, no remote content.
 */
export function contentSecurityPolicy({ loopbackWebSocket }: CspOptions): string {
  const connect = loopbackWebSocket
    ? "connect-src 'self' ws://127.0.0.1:* ws://localhost:*"
    : "connect-src 'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    connect,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every response of the renderer's files. */
export function securityHeaders(options: CspOptions): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
