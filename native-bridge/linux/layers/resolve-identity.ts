import { readFileSync } from 'node:fs';
import { errnoByName } from '../../../app/linux/errno';
import { isIdentityError, resolveIdentity } from '../../../app/linux/passwd';
import type { IdentityPlan } from '../../../app/sandbox/layer-plan';
import type { Identity } from './identity';
import { failed, type LayerFailureResult } from './layer-result';

function readText(path: string): string | LayerFailureResult {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return failed(
      `cannot read ${path}: ${code ?? String(error)}`,
      code ? errnoByName(code)?.value : undefined,
    );
  }
}

/**
 * User and group names → numbers, from the files of the root the launcher starts in (so before any
 * chroot, like OpenSSH and minijail). glibc's NSS (LDAP, systemd-userdb) is not consulted: the
 * launcher reads the files backend only, and says so when a name is missing.
 */
export function resolveHostIdentity(
  plan: IdentityPlan,
  etc = '/etc',
): Identity | LayerFailureResult {
  const passwd = readText(`${etc}/passwd`);
  if (typeof passwd !== 'string') return passwd;
  const group = readText(`${etc}/group`);
  if (typeof group !== 'string') return group;
  const resolved = resolveIdentity(plan, passwd, group);
  return isIdentityError(resolved) ? failed(resolved.error) : resolved;
}
