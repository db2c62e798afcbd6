import { succeeded, syscallFailed, type LayerResult } from './layer-result';
import { layerSyscalls } from './layer-syscalls';

/**
 * chroot(2) into `root`, then chdir to `cwd` inside it. The first chdir is to the new `/`: after
 * chroot the working directory is still the old one, outside the new root, and a relative `cwd`
 * must not resolve from there. chroot changes the root of the whole process (threads share their
 * fs_struct), so Node's own later path lookups (resolving the executable) see the new root too.
 */
export function enterChroot(root: string, cwd = '/'): LayerResult {
  const sys = layerSyscalls();
  if (sys.chroot(root) < 0) return syscallFailed(`chroot(${root})`, sys.lastErrno());
  if (sys.chdir('/') < 0) return syscallFailed(`chdir(/) in ${root}`, sys.lastErrno());
  if (cwd !== '/' && sys.chdir(cwd) < 0) {
    return syscallFailed(`chdir(${cwd}) in ${root}`, sys.lastErrno());
  }
  return succeeded(`${root}, cwd ${cwd}`);
}

/** chdir without a chroot (a best-effort chroot that failed still honours the working directory). */
export function changeDirectory(cwd: string): LayerResult {
  const sys = layerSyscalls();
  if (sys.chdir(cwd) < 0) return syscallFailed(`chdir(${cwd})`, sys.lastErrno());
  return succeeded(cwd);
}
