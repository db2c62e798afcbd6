import { canonicalRight, descriptorNumber, type CapsicumRight } from './freebsd-schema';
import type {
  CapsicumLimit,
  CapsicumPolicy,
  FreeBsdPolicy,
  WindowsMitigation,
  WindowsPolicy,
} from './model';
import type { PolicyDocument } from './schema';
import { mitigationFlags, WINDOWS_MITIGATION_NAMES } from './windows-schema';
import { closestRange, type YamlSource } from './yaml-source';

/**
 * The model of `windows:` and `freebsd:` from a document the schema accepted, each entry with the
 * range of its YAML node. These platforms are exported, never run, so the model keeps only what an
 * exporter needs: the mitigation flags written `true`, the descriptors and their rights.
 */

type WindowsDocument = NonNullable<PolicyDocument['windows']>;
type FreeBsdDocument = NonNullable<PolicyDocument['freebsd']>;
type LimitDocument = NonNullable<NonNullable<FreeBsdDocument['capsicum']>['limit']>[string];

export function buildWindows(windows: WindowsDocument, source: YamlSource): WindowsPolicy {
  const written = windows.mitigations ?? {};
  const mitigations = WINDOWS_MITIGATION_NAMES.flatMap((name): WindowsMitigation[] => {
    const flags = written[name] as Readonly<Record<string, boolean | undefined>> | undefined;
    if (flags === undefined) return [];
    const set = mitigationFlags(name).filter((flag) => flags[flag] === true);
    if (set.length === 0) return [];
    const range = closestRange(source, ['windows', 'mitigations', name]);
    return [{ name, flags: set, range } as WindowsMitigation];
  });
  return {
    mitigations: mitigations.sort((a, b) => a.range.start.offset - b.range.start.offset),
    range: closestRange(source, ['windows']),
  };
}

export function buildFreeBsd(freebsd: FreeBsdDocument, source: YamlSource): FreeBsdPolicy {
  const capsicum = freebsd.capsicum && buildCapsicum(freebsd.capsicum, source);
  return { ...(capsicum && { capsicum }), range: closestRange(source, ['freebsd']) };
}

function buildCapsicum(
  capsicum: NonNullable<FreeBsdDocument['capsicum']>,
  source: YamlSource,
): CapsicumPolicy {
  // File order: JavaScript objects list integer keys (`3:`) before the others.
  const limits = Object.entries(capsicum.limit ?? {})
    .map(([written, entry]) => buildLimit(written, entry, source))
    .sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { enter: capsicum.enter, limits, range: closestRange(source, ['freebsd', 'capsicum']) };
}

function buildLimit(written: string, entry: LimitDocument, source: YamlSource): CapsicumLimit {
  const fd = descriptorNumber(written);
  if (fd === undefined) throw new Error(`validated descriptor ${written} is invalid`);
  const long = Array.isArray(entry) ? { rights: entry } : entry;
  const rights = [...new Set(long.rights.map(validRight))];
  return {
    fd,
    written,
    rights,
    ...('fcntls' in long && long.fcntls && { fcntls: [...new Set(long.fcntls)] }),
    ...('ioctls' in long && long.ioctls && { ioctls: [...new Set(long.ioctls)] }),
    range: closestRange(source, ['freebsd', 'capsicum', 'limit', written]),
  };
}

/** The schema has checked the name already; a failure here is a bug, not bad input. */
function validRight(written: string): CapsicumRight {
  const right = canonicalRight(written);
  if (right === undefined) throw new Error(`validated Capsicum right ${written} is unknown`);
  return right;
}
