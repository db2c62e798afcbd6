// Some uapi headers the studio needs are older on this machine than the kernels it runs on: Debian
// 12's linux-libc-dev is 6.1, whose linux/landlock.h stops at Landlock ABI 2, while the kernel has
// ABI 7 (TRUNCATE, network ports, IOCTL_DEV, scopes). This step fetches the newer linux-libc-dev
// from bookworm-backports with apt (signature-checked against Debian's keyring) into a private
// state directory, installs nothing, extracts it under /tmp, and offers an include directory that
// holds only the requested headers: everything those headers include still comes from the
// installed packages, so no other family's values change.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SUITE = 'bookworm-backports';
const MIRROR = 'http://deb.debian.org/debian';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const PACKAGE = 'linux-libc-dev';
const CACHE = '/tmp/sandbox-studio-newer-uapi';

/** apt options that confine apt-get to CACHE: its own sources, lists and archives. */
function aptOptions() {
  return [
    `-o`,
    `Dir::State::Lists=${join(CACHE, 'lists')}`,
    `-o`,
    `Dir::Etc::SourceList=${join(CACHE, 'sources.list')}`,
    `-o`,
    `Dir::Etc::SourceParts=/dev/null`,
    `-o`,
    `Dir::Cache=${join(CACHE, 'cache')}`,
    // Root downloads into CACHE itself; the _apt user could not write there.
    `-o`,
    `APT::Sandbox::User=root`,
  ];
}

function apt(tool, args) {
  const result = spawnSync(tool, [...aptOptions(), ...args], {
    cwd: CACHE,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${tool} ${args.join(' ')} failed:\n${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** The version of PACKAGE the backports suite offers (after `apt-get update` in CACHE). */
function backportsVersion() {
  const madison = apt('apt-cache', ['madison', PACKAGE]);
  const line = madison.split('\n').find((l) => l.includes(SUITE));
  const version = line?.split('|')[1]?.trim();
  if (!version) throw new Error(`${PACKAGE} is not in ${SUITE}:\n${madison}`);
  return version;
}

/** Downloads and extracts the backports package once; later runs reuse the extraction. */
function extractedPackage() {
  for (const dir of ['lists/partial', 'cache/archives/partial']) {
    mkdirSync(join(CACHE, dir), { recursive: true });
  }
  writeFileSync(
    join(CACHE, 'sources.list'),
    `deb [signed-by=${KEYRING}] ${MIRROR} ${SUITE} main\n`,
  );
  apt('apt-get', ['-q', 'update']);
  const version = backportsVersion();
  const root = join(CACHE, `${PACKAGE}_${version}`);
  if (!existsSync(join(root, 'usr', 'include'))) {
    apt('apt-get', ['-q', 'download', `${PACKAGE}=${version}`]);
    const deb = readdirSync(CACHE).find(
      (f) => f.startsWith(`${PACKAGE}_`) && f.endsWith('.deb') && f.includes(debVersion(version)),
    );
    if (!deb) throw new Error(`apt-get download left no ${PACKAGE} ${version} .deb in ${CACHE}`);
    execFileSync('dpkg-deb', ['-x', join(CACHE, deb), root]);
  }
  return { root, version };
}

/** apt names downloaded files with the epoch's colon escaped. */
function debVersion(version) {
  return version.replace(':', '%3a');
}

/**
 * An include directory holding only `headers`, copied from the backports linux-libc-dev.
 * @param {string[]} headers  paths below /usr/include, e.g. `linux/landlock.h`
 * @returns {{ include: string, source: string }}
 */
export function newerUapiHeaders(headers) {
  const { root, version } = extractedPackage();
  const include = join(CACHE, `overlay_${version}`);
  for (const header of headers) {
    const from = join(root, 'usr', 'include', header);
    if (!existsSync(from)) throw new Error(`${PACKAGE} ${version} has no ${header}`);
    mkdirSync(dirname(join(include, header)), { recursive: true });
    copyFileSync(from, join(include, header));
  }
  return { include, source: `${PACKAGE} ${version} (${SUITE}, downloaded, not installed)` };
}

/**
 * Families marked `newerUapi` read their headers from the backports package; if it cannot be
 * fetched they fall back to the installed headers, loudly, and the generated JSON says so.
 * @param {import('./constant-groups.mjs').ConstantFamily[]} families
 */
export function withNewerUapi(families) {
  return families.map((family) => {
    if (!family.newerUapi) return family;
    try {
      const { include, source } = newerUapiHeaders(family.newerUapi);
      return { ...family, includeFirst: include, headerSource: headersFrom(family, source) };
    } catch (e) {
      console.warn(`WARNING: ${family.family}: using the installed headers: ${e.message}`);
      const fallback = `the installed headers (FALLBACK: not fetched from ${SUITE})`;
      return { ...family, headerSource: headersFrom(family, fallback) };
    }
  });
}

function headersFrom(family, source) {
  return `${family.newerUapi.join(', ')} from ${source}`;
}
