import { z } from 'zod';
import type { ServerMessage } from '../../app/api/contract';

const ResponseMessage = z.discriminatedUnion('ok', [
  z.object({
    kind: z.literal('response'),
    id: z.number().int().nonnegative(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    kind: z.literal('response'),
    id: z.number().int().nonnegative(),
    ok: z.literal(false),
    error: z.string(),
  }),
]);
const EventMessage = z.object({ kind: z.literal('event'), name: z.string(), payload: z.unknown() });

export type ParsedServerMessage =
  Extract<ServerMessage, { kind: 'response' }> | { kind: 'event'; name: string; payload: unknown };

/** One socket frame from the backend, or an error message saying why it is not one. */
export function parseServerMessage(
  data: unknown,
): { ok: true; message: ParsedServerMessage } | { ok: false; error: string } {
  if (typeof data !== 'string') return { ok: false, error: 'expected a text frame' };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, error: 'the frame is not JSON' };
  }
  const kind = (json as { kind?: unknown } | null)?.kind;
  const parsed = kind === 'event' ? EventMessage.safeParse(json) : ResponseMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'message';
    return { ok: false, error: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, message: parsed.data as ParsedServerMessage };
}
