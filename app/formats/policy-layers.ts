import type { Policy } from '../policy/model';
import type { FormatWarning } from './format-result';

/*
 * The Linux layers besides seccomp, for exporters whose format has no place for some of them:
 * each present layer the format leaves out becomes a warning at the layer's range.
 */

export type LayerName =
  | 'rlimits'
  | 'capabilities'
  | 'identity'
  | 'chroot'
  | 'landlock'
  | 'namespaces'
  | 'dumpable'
  | 'seccomp_strict';

/** Each layer the policy sets, with the range to point at. */
export function presentLayers(
  policy: Policy,
): { layer: LayerName; warningAt: FormatWarning['range'] }[] {
  const linux = policy.linux;
  const found: { layer: LayerName; warningAt: FormatWarning['range'] }[] = [];
  const add = (layer: LayerName, range: FormatWarning['range'] | undefined, present: boolean) => {
    if (present) found.push({ layer, warningAt: range });
  };
  add('rlimits', linux.rlimits?.[0]?.range, (linux.rlimits?.length ?? 0) > 0);
  add('capabilities', linux.capabilities?.range, linux.capabilities !== undefined);
  add('identity', linux.identity?.range, linux.identity !== undefined);
  add('chroot', linux.chroot?.range, linux.chroot !== undefined);
  add('landlock', linux.landlock?.range, linux.landlock !== undefined);
  add('namespaces', linux.namespaces?.range, linux.namespaces !== undefined);
  add('dumpable', linux.dumpable?.range, linux.dumpable !== undefined);
  add('seccomp_strict', linux.seccompStrict?.range, linux.seccompStrict?.value === true);
  return found;
}

/** Warnings for the layers `format` cannot carry (all present layers but `kept`). */
export function droppedLayerWarnings(
  policy: Policy,
  format: string,
  kept: readonly LayerName[] = [],
): FormatWarning[] {
  return presentLayers(policy)
    .filter((p) => !kept.includes(p.layer))
    .map((p) => ({
      message: `${p.layer} is not part of ${format}; it is left out`,
      ...(p.warningAt ? { range: p.warningAt } : {}),
    }));
}
