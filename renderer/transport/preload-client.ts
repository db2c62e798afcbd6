import type {
  BackendClient,
  EventName,
  EventPayload,
  RequestMethod,
  RequestParams,
  RequestResult,
} from '../../app/api/contract';
import { validEventPayload, validResult } from './validation';

/** What Electron's preload script exposes as `window.sandboxStudio`. */
export interface PreloadBridge {
  invoke(method: string, params: unknown): Promise<unknown>;
  on(name: string, listener: (payload: unknown) => void): () => void;
}

/** Electron: the contract over the preload bridge, with the same validation as the socket. */
export function createPreloadClient(bridge: PreloadBridge): BackendClient {
  return {
    async invoke<M extends RequestMethod>(
      method: M,
      params: RequestParams<M>,
    ): Promise<RequestResult<M>> {
      return validResult(method, await bridge.invoke(method, params));
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      return bridge.on(name, (payload) => {
        const valid = validEventPayload(name, payload);
        if (valid !== undefined) listener(valid);
      });
    },
  };
}

export function isPreloadBridge(value: unknown): value is PreloadBridge {
  const bridge = value as Partial<PreloadBridge> | null | undefined;
  return typeof bridge?.invoke === 'function' && typeof bridge.on === 'function';
}
