import type { BackendClient } from '../app/api/contract';
import { messageOf } from './commands/dialogs';
import { connectSavedRuns } from './connect-saved-runs';
import { IncludeCache, type FetchInclude } from './state/include-cache';
import { startPolicyAnalysis, type ParsePolicy } from './state/policy-analysis';
import type { Stores } from './state/stores';

/**
 * Connects the stores to the backend and the policy parser: run events and states flow into the
 * runs store, host.info into the connection store, text changes (and included files) into
 * diagnostics.
 */
export function connectBackend(
  client: BackendClient,
  stores: Stores,
  parse: ParsePolicy,
): () => void {
  const includes = new IncludeCache(includeFetcher(client));
  const stops = [
    client.on('run.events', (payload) => stores.runs.getState().eventsArrived(payload)),
    client.on('run.state', (payload) => stores.runs.getState().stateChanged(payload, Date.now())),
    startPolicyAnalysis(stores.document, parse, { includes }),
    connectSavedRuns(client, stores),
  ];
  client.invoke('host.info', {}).then(
    (host) => stores.connection.getState().setHost(host),
    (error: unknown) =>
      stores.ui.getState().notify('error', `Cannot reach the backend: ${messageOf(error)}`),
  );
  return () => {
    for (const stop of stops) stop();
  };
}

/** files.readInclude, answering the text or why the backend could not read the file. */
export function includeFetcher(client: BackendClient): FetchInclude {
  return async (handle, path) => {
    const result = await client.invoke('files.readInclude', { handle, path });
    return 'text' in result ? result.text : { error: result.error };
  };
}
