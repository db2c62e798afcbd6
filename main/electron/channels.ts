/** The two IPC channels between the preload and the main process (shared so they cannot drift). */
export const INVOKE_CHANNEL = 'studio:invoke';
export const EVENT_CHANNEL = 'studio:event';

/** What the preload sends on INVOKE_CHANNEL; validated again in main. */
export interface InvokeMessage {
  readonly method: string;
  readonly params: unknown;
}

/** What main sends on EVENT_CHANNEL. */
export interface EventMessage {
  readonly name: string;
  readonly payload: unknown;
}

export type InvokeReply = { ok: true; result: unknown } | { ok: false; error: string };
