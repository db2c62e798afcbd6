import { readlinkSync } from 'node:fs';
import type { NamespaceKind } from '../../../app/sandbox/layer-plan';
import { NAMESPACE_PROC_NAME, type NamespaceStageReport } from '../../namespace-stage';
import { failed, succeeded, type LayerResult } from './layer-result';

/**
 * The namespaces layer as the launcher sees it: the stage (namespace-stage.ts) made them before
 * this process started, so the launcher checks that it really is in a namespace of each kind other
 * than the supervisor's, and reports the stage's own failure when there was one.
 */
export function verifyNamespaces(
  kinds: readonly NamespaceKind[],
  report: NamespaceStageReport | undefined,
): LayerResult {
  if (report === undefined) {
    return failed('the launcher was not started through the namespace stage (launcherInvocation)');
  }
  if (report.stage === 'unavailable') return failed(report.message, report.errno);
  const shared = kinds.filter((kind) => {
    const name = NAMESPACE_PROC_NAME[kind];
    try {
      const own = readlinkSync(`/proc/self/ns/${name}`);
      return own === report.outside[kind] || report.outside[kind] === undefined;
    } catch {
      return true;
    }
  });
  if (shared.length > 0) {
    return failed(`still in the supervisor's ${shared.join(', ')} namespace(s)`);
  }
  return succeeded(kinds.join(', '));
}
