import type { ResolvedIdentity } from '../../../app/linux/passwd';
import { succeeded, failed, syscallFailed, type LayerResult } from './layer-result';
import { layerSyscalls } from './layer-syscalls';

/**
 * Numeric credentials, resolved from names before chroot hides /etc (resolve-identity.ts): the
 * supplementary groups always, the gid and uid when the policy sets them (or implies them).
 */
export type Identity = ResolvedIdentity;

function readTriple(read: (r: Buffer, e: Buffer, s: Buffer) => number): number[] | undefined {
  const ids = [Buffer.alloc(4), Buffer.alloc(4), Buffer.alloc(4)] as const;
  if (read(...ids) < 0) return undefined;
  return ids.map((id) => id.readUInt32LE(0));
}

function readGroups(): number[] | undefined {
  const sys = layerSyscalls();
  const count = sys.getgroups(0, null);
  if (count < 0) return undefined;
  const list = Buffer.alloc(Math.max(count, 1) * 4);
  const read = sys.getgroups(count, list);
  if (read < 0) return undefined;
  return Array.from({ length: read }, (_, i) => list.readUInt32LE(i * 4));
}

/**
 * Supplementary groups, then the gid, then the uid: the gid must change while the thread still has
 * CAP_SETGID, which the uid change takes away. Real, effective and saved ids all change so that
 * nothing can switch back. Raw syscalls on the calling thread only (layer-syscalls.ts says why).
 * Reads the ids back afterwards: a switch that did not happen must not pass for one.
 */
export function switchIdentity(identity: Identity): LayerResult {
  const sys = layerSyscalls();
  const { uid, gid, groups } = identity;
  const list = Buffer.alloc(Math.max(groups.length, 1) * 4);
  groups.forEach((group, i) => list.writeUInt32LE(group, i * 4));
  if (sys.setgroups(groups.length, groups.length > 0 ? list : null) < 0) {
    return syscallFailed(`setgroups([${groups.join(', ')}])`, sys.lastErrno());
  }
  if (gid !== undefined && sys.setresgid(gid, gid, gid) < 0) {
    return syscallFailed(`setresgid(${gid})`, sys.lastErrno());
  }
  if (uid !== undefined && sys.setresuid(uid, uid, uid) < 0) {
    return syscallFailed(`setresuid(${uid})`, sys.lastErrno());
  }
  const uids = readTriple(sys.getresuid);
  const gids = readTriple(sys.getresgid);
  const now = readGroups();
  if (!uids || !gids || !now) return syscallFailed('getresuid/getresgid', sys.lastErrno());
  const sorted = (list: readonly number[]) => [...list].sort((a, b) => a - b).join(',');
  const uidOk = uid === undefined || uids.every((id) => id === uid);
  const gidOk = gid === undefined || gids.every((id) => id === gid);
  if (!uidOk || !gidOk || sorted(now) !== sorted(groups)) {
    return failed(
      `the credentials did not change: uids ${uids.join('/')}, gids ${gids.join('/')}, groups ${now.join(',')}`,
    );
  }
  return succeeded(`uid ${uids[0]}, gid ${gids[0]}, groups [${groups.join(', ')}]`);
}
