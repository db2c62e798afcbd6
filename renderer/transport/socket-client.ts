import type {
  BackendClient,
  ClientMessage,
  EventName,
  EventPayload,
  RequestMethod,
  RequestParams,
  RequestResult,
} from '../../app/api/contract';
import type { ConnectionListener } from './connection';
import { EventListeners } from './event-listeners';
import { PendingRequests } from './pending-requests';
import { parseServerMessage } from './server-message';
import { isEventName, validEventPayload, validResult } from './validation';

/** The part of the browser's WebSocket this client uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const OPEN = 1;

/**
 * Web mode: the contract over one WebSocket. Requests made before the socket opens wait for it;
 * when it closes every outstanding request fails and the status listener hears `disconnected`
 * (there is no reconnect: the backend forgets a client's runs when its socket goes).
 */
export function createSocketClient(
  socket: SocketLike,
  onStatus: ConnectionListener = () => undefined,
): BackendClient {
  const pending = new PendingRequests();
  const listeners = new EventListeners();
  const queued: string[] = [];
  let closed = false;

  onStatus(socket.readyState === OPEN ? 'connected' : 'connecting');
  socket.addEventListener('open', () => {
    onStatus('connected');
    for (const frame of queued.splice(0)) socket.send(frame);
  });
  socket.addEventListener('close', (event) => {
    closed = true;
    const detail = event.reason || (event.code ? `code ${event.code}` : undefined);
    pending.failAll('the connection to the backend closed');
    onStatus('disconnected', detail);
  });
  socket.addEventListener('message', (event) => {
    const parsed = parseServerMessage(event.data);
    if (!parsed.ok) {
      console.warn(`sandbox-studio: dropped a message from the backend: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    if (message.kind === 'response') {
      if (!pending.settle(message)) {
        console.warn(`sandbox-studio: dropped a response to unknown request ${message.id}`);
      }
      return;
    }
    if (!isEventName(message.name)) {
      console.warn(`sandbox-studio: dropped an unknown event ${JSON.stringify(message.name)}`);
      return;
    }
    dispatchEvent(listeners, message.name, message.payload);
  });

  return {
    async invoke<M extends RequestMethod>(
      method: M,
      params: RequestParams<M>,
    ): Promise<RequestResult<M>> {
      if (closed) throw new Error(`${method}: not connected to the backend`);
      const { id, result } = pending.open(method);
      const frame = JSON.stringify({ kind: 'request', id, method, params } satisfies ClientMessage);
      if (socket.readyState === OPEN) socket.send(frame);
      else queued.push(frame);
      return validResult(method, await result);
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      return listeners.add(name, listener);
    },
  };
}

function dispatchEvent<E extends EventName>(
  listeners: EventListeners,
  name: E,
  payload: unknown,
): void {
  const valid = validEventPayload(name, payload);
  if (valid !== undefined) listeners.emit(name, valid);
}
