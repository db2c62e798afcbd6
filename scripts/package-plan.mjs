// The decisions of `npm run package` (scripts/package.mjs) as pure functions, so that they can be
// unit-tested (main/package.unit.test.ts): whether an Electron binary is there, what to say when it
// is not, and which arguments electron-builder gets.

/** electron-builder's platform flag for each Node platform that Electron runs on. */
const PLATFORM_FLAGS = { linux: '--linux', darwin: '--mac', win32: '--win' };
const PLATFORM_ARGS = new Set([
  '--linux',
  '-l',
  '--mac',
  '-m',
  '-o',
  '--macos',
  '--win',
  '-w',
  '--windows',
]);

/**
 * Where the Electron binary is, or why there is none. `resolveElectron` is `require('electron')`:
 * the package exports its binary's path, and throws when it was installed without the binary.
 * `exists` tells whether a path is a file.
 */
export function electronBinary(resolveElectron, exists) {
  let path;
  try {
    path = resolveElectron();
  } catch (error) {
    if (error?.code === 'MODULE_NOT_FOUND') {
      return { reason: 'the electron package is not installed (it is an optional dependency)' };
    }
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      reason: `the electron package is installed without its binary: its download was skipped or blocked ("${detail}")`,
    };
  }
  if (typeof path !== 'string' || path === '') {
    return { reason: 'the electron package did not give the path of its binary' };
  }
  if (!exists(path)) {
    return { reason: `the Electron binary ${path} does not exist` };
  }
  return { path };
}

/** The message `npm run package` fails with when there is no Electron binary. */
export function missingElectronMessage(reason) {
  return [
    `Cannot package Sandbox Studio: ${reason}.`,
    'Every package contains the Electron binary, so it must be installed first:',
    '  - where its download is allowed: `rm -rf node_modules/electron && npm install`',
    '    (without ELECTRON_SKIP_BINARY_DOWNLOAD set);',
    '  - otherwise set ELECTRON_MIRROR to a mirror of the Electron releases that you can reach',
    '    (ELECTRON_CUSTOM_DIR too if its layout differs) and install the same way;',
    '  - or, with an Electron of the same version unpacked elsewhere, set',
    '    ELECTRON_OVERRIDE_DIST_PATH to its folder.',
    'Without Electron the studio still runs in web mode: `npm run serve`.',
  ].join('\n');
}

/**
 * electron-builder's arguments: the host's platform unless the caller names one, and no
 * publishing unless asked. For the host, `electronDist` (the installed Electron's folder) is used
 * as it is, so nothing is downloaded. Everything the caller passes comes last, unchanged.
 */
export function builderArgs(platform, extraArgs, electronDist) {
  const args = [];
  const hostPlatform = !extraArgs.some((arg) => PLATFORM_ARGS.has(arg));
  if (hostPlatform) {
    const flag = PLATFORM_FLAGS[platform];
    if (!flag) {
      throw new Error(
        `electron-builder cannot package for ${platform}: pass --linux, --mac or --win explicitly`,
      );
    }
    args.push(flag);
    const ownDist = extraArgs.some((arg) => /^(-c|--config)\.electronDist(=|$)/.test(arg));
    if (electronDist && !ownDist) args.push(`--config.electronDist=${electronDist}`);
  }
  const publishes = extraArgs.some(
    (arg) => arg === '--publish' || arg === '-p' || arg.startsWith('--publish='),
  );
  if (!publishes) args.push('--publish', 'never');
  return [...args, ...extraArgs];
}
