import { CAPABILITY } from './layer-constants';

/**
 * Capability names as policies write them: `CAP_NET_BIND_SERVICE`, `NET_BIND_SERVICE` or
 * `net_bind_service` all name capability 10. CAP_LAST_CAP is the header's bound, not a capability.
 */

/** Every capability's canonical name (CAP_*), in number order. */
export const CAPABILITY_NAMES: readonly string[] = [...CAPABILITY]
  .filter(([name]) => name !== 'CAP_LAST_CAP')
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name);

/** The highest capability number the headers know. */
export const LAST_CAP: number = lastCap();

function lastCap(): number {
  const last = CAPABILITY.get('CAP_LAST_CAP');
  if (last === undefined) throw new Error('CAP_LAST_CAP is not in the generated tables');
  return last;
}

/** `net_bind_service` / `CAP_NET_BIND_SERVICE` → `CAP_NET_BIND_SERVICE`, or undefined. */
export function canonicalCapabilityName(written: string): string | undefined {
  const upper = written.trim().toUpperCase();
  const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  return name !== 'CAP_LAST_CAP' && CAPABILITY.has(name) ? name : undefined;
}

export function capabilityNumber(written: string): number | undefined {
  const name = canonicalCapabilityName(written);
  return name === undefined ? undefined : CAPABILITY.get(name);
}

export function capabilityName(value: number): string | undefined {
  return CAPABILITY_NAMES.find((name) => CAPABILITY.get(name) === value);
}
