import {
  events,
  requests,
  type EventName,
  type EventPayload,
  type RequestMethod,
  type RequestResult,
} from '../../app/api/contract';

/** A backend event payload checked against the contract, or undefined (and a warning) if invalid. */
export function validEventPayload<E extends EventName>(
  name: E,
  payload: unknown,
): EventPayload<E> | undefined {
  const schema = events[name];
  if (!schema) {
    console.warn(`sandbox-studio: dropped an event with an unknown name ${JSON.stringify(name)}`);
    return undefined;
  }
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data as EventPayload<E>;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'payload';
  console.warn(
    `sandbox-studio: dropped an invalid ${name} event: ${where}: ${issue?.message ?? 'invalid'}`,
  );
  return undefined;
}

/** A response result checked against the contract; throws a descriptive Error when it is not. */
export function validResult<M extends RequestMethod>(method: M, result: unknown): RequestResult<M> {
  const parsed = requests[method].result.safeParse(result);
  if (parsed.success) return parsed.data as RequestResult<M>;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'result';
  throw new Error(
    `the backend sent an invalid ${method} result: ${where}: ${issue?.message ?? 'invalid'}`,
  );
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
