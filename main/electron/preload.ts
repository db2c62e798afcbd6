// Runs in the sandboxed preload: the renderer gets exactly `window.sandboxStudio` (invoke + on),
// never ipcRenderer itself, so it can only make the requests the contract defines.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_CHANNEL,
  INVOKE_CHANNEL,
  type EventMessage,
  type InvokeMessage,
  type InvokeReply,
} from './channels';

contextBridge.exposeInMainWorld('sandboxStudio', {
  async invoke(method: string, params: unknown): Promise<unknown> {
    const message: InvokeMessage = { method: String(method), params };
    const reply = (await ipcRenderer.invoke(INVOKE_CHANNEL, message)) as InvokeReply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  },
  on(name: string, listener: (payload: unknown) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const wanted = String(name);
    const handler = (_event: IpcRendererEvent, message: EventMessage): void => {
      if (message.name === wanted) listener(message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
});
