// The Electron main process: one sandboxed window showing the renderer from app://studio, the
// backend behind a single validated IPC channel, native dialogs for files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  type IpcMainInvokeEvent,
} from 'electron';
import { createDialogFiles, type NativeDialogs } from '../backend/files-service';
import { createBackendHandlers, dispatchRequest } from '../backend/handlers';
import { RunRecorder } from '../backend/run-recorder';
import { RunService } from '../backend/run-service';
import { SavedRuns } from '../backend/saved-runs';
import { StraceUploads } from '../backend/strace-import-uploads';
import { studioVersion } from '../backend/version';
import { builtEntry, rendererDir } from '../paths';
import { securityHeaders } from '../web/security-headers';
import { contentType, resolveStaticPath } from '../web/static-files';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type EventMessage, type InvokeReply } from './channels';
import type { BackendHandlers } from '../../app/api/contract';

const SCHEME = 'app';
const HOST = 'studio';
const START_URL = `${SCHEME}://${HOST}/index.html`;
const POLICY_FILTERS = [
  { name: 'Sandbox policies', extensions: ['sandbox.yaml'] },
  { name: 'YAML', extensions: ['yaml', 'yml'] },
];
const HEADERS = securityHeaders({ loopbackWebSocket: false });

interface WindowBackend {
  readonly window: BrowserWindow;
  readonly handlers: BackendHandlers;
  readonly runs: RunService;
  readonly straceUploads: StraceUploads;
}

/** Backends by webContents id: each window has its own runs and file handles. */
const backends = new Map<number, WindowBackend>();

// Must happen before `ready`: a standard, secure scheme gets a real origin, so module scripts,
// fetch and CSP 'self' behave as on https.
protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [first] = BrowserWindow.getAllWindows();
    if (first?.isMinimized()) first.restore();
    first?.focus();
  });
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', onBeforeQuit);
  ipcMain.handle(INVOKE_CHANNEL, onInvoke);
  void app.whenReady().then(() => {
    lockDownSession();
    protocol.handle(SCHEME, serveRenderer);
    openWindow();
  });
}

function lockDownContents(contents: Electron.WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // No remote content at all: everything the UI needs comes from app:// (or blob:/data: URLs it
  // made itself, e.g. Monaco's workers).
  ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) =>
    callback({ cancel: !isLocalUrl(details.url) }),
  );
}

function isLocalUrl(url: string): boolean {
  const scheme = url.slice(0, url.indexOf(':') + 1);
  return [`${SCHEME}:`, 'blob:', 'data:', 'devtools:'].includes(scheme);
}

async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const path = url.host === HOST ? resolveStaticPath(rendererDir(), url.pathname) : undefined;
  if (!path) return new Response('not found', { status: 404, headers: HEADERS });
  try {
    const body = await readFile(path);
    return new Response(new Uint8Array(body), {
      headers: { ...HEADERS, 'Content-Type': contentType(path) },
    });
  } catch {
    return new Response('not found', { status: 404, headers: HEADERS });
  }
}

function openWindow(): void {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'Sandbox Studio',
    webPreferences: {
      preload: builtEntry('preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const contentsId = window.webContents.id;
  backends.set(contentsId, createWindowBackend(window));
  window.once('ready-to-show', () => window.show());
  // The renderer's beforeunload marks unsaved changes; Electron would then refuse to close the
  // window silently, so ask the user instead.
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Close', 'Keep editing'],
      defaultId: 1,
      cancelId: 1,
      message: 'The policy has unsaved changes.',
      detail: 'They are kept, not saved: the studio offers them back the next time it starts.',
    });
    if (choice === 0) event.preventDefault();
  });
  window.on('closed', () => {
    const backend = backends.get(contentsId);
    if (backend) disposeBackend(contentsId, backend);
  });
  void window.loadURL(START_URL);
}

function createWindowBackend(window: BrowserWindow): WindowBackend {
  // Saved runs live in the app's data folder (~/.config/Sandbox Studio/runs on Linux).
  const runsDir = join(app.getPath('userData'), 'runs');
  const runs = new RunService({
    recorder: new RunRecorder({ dir: runsDir, studioVersion: studioVersion() }),
    emit: (name, payload) => {
      if (window.isDestroyed()) return;
      const message: EventMessage = { name, payload };
      window.webContents.send(EVENT_CHANNEL, message);
    },
  });
  const straceUploads = new StraceUploads({ dir: runsDir, studioVersion: studioVersion() });
  const handlers = createBackendHandlers({
    host: { kind: 'electron', nativeDialogs: true, version: studioVersion() },
    files: createDialogFiles(nativeDialogs(window)),
    runs,
    savedRuns: new SavedRuns(runsDir),
    straceUploads,
  });
  return { window, handlers, runs, straceUploads };
}

function nativeDialogs(window: BrowserWindow): NativeDialogs {
  return {
    async chooseFileToOpen() {
      const result = await dialog.showOpenDialog(window, {
        title: 'Open policy',
        properties: ['openFile'],
        filters: POLICY_FILTERS,
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseFileToSave(suggestedName) {
      const result = await dialog.showSaveDialog(window, {
        title: 'Save policy as',
        defaultPath: join(app.getPath('documents'), suggestedName),
        filters: POLICY_FILTERS,
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}

async function onInvoke(event: IpcMainInvokeEvent, message: unknown): Promise<InvokeReply> {
  const backend = backends.get(event.sender.id);
  if (!backend || !isOurMainFrame(event, backend.window)) {
    return { ok: false, error: 'request refused: it does not come from the studio window' };
  }
  if (typeof message !== 'object' || message === null) {
    return { ok: false, error: 'invalid request message' };
  }
  const { method, params } = message as { method?: unknown; params?: unknown };
  if (typeof method !== 'string') return { ok: false, error: 'invalid request message: method' };
  return dispatchRequest(backend.handlers, method, params);
}

/** Only the window's own top frame, showing our renderer, may talk to the backend. */
function isOurMainFrame(event: IpcMainInvokeEvent, window: BrowserWindow): boolean {
  const frame = event.senderFrame;
  if (!frame || window.isDestroyed()) return false;
  const main = window.webContents.mainFrame;
  if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
  try {
    const url = new URL(frame.url);
    return url.protocol === `${SCHEME}:` && url.host === HOST;
  } catch {
    return false;
  }
}

/** Runs still being stopped: quitting waits for them so that no target outlives the app. */
const disposals = new Set<Promise<void>>();

function disposeBackend(contentsId: number, backend: WindowBackend): void {
  backends.delete(contentsId);
  void backend.straceUploads.discardAll().catch(() => undefined);
  const disposal = backend.runs.dispose().catch(() => undefined);
  disposals.add(disposal);
  void disposal.finally(() => disposals.delete(disposal));
}

let quitting = false;

function onBeforeQuit(event: Electron.Event): void {
  if (quitting) return;
  for (const [id, backend] of backends) disposeBackend(id, backend);
  if (disposals.size === 0) return;
  event.preventDefault();
  quitting = true;
  void Promise.all(disposals).finally(() => app.quit());
}
