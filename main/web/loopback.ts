import { isIP } from 'node:net';

export interface LoopbackAddress {
  /** What to pass to listen(). */
  readonly bind: string;
  /** The host part of URLs and of the Host header browsers send (`[::1]` for IPv6). */
  readonly urlHost: string;
}

/**
 * Web mode runs programs on request: it must only ever be reachable from this machine. Accepts
 * 127.0.0.0/8, ::1 and `localhost` (bound as 127.0.0.1); throws for anything else.
 */
export function loopbackAddress(host: string): LoopbackAddress {
  if (host === 'localhost') return { bind: '127.0.0.1', urlHost: '127.0.0.1' };
  const version = isIP(host);
  if (version === 4 && host.split('.')[0] === '127') return { bind: host, urlHost: host };
  if (version === 6 && isIpv6Loopback(host)) return { bind: '::1', urlHost: '[::1]' };
  throw new Error(
    `refusing to listen on ${JSON.stringify(host)}: web mode only listens on a loopback address ` +
      '(127.0.0.0/8 or ::1), because whoever can reach it can run programs as you',
  );
}

function isIpv6Loopback(host: string): boolean {
  // The URL parser writes IPv6 addresses in canonical form: every spelling of ::1 becomes [::1].
  try {
    return new URL(`http://[${host}]/`).hostname === '[::1]';
  } catch {
    return false;
  }
}
