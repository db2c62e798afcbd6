#!/usr/bin/env node
// Generates app/generated/linux-*.json and systemd-syscall-groups.json from authoritative sources
// installed on this machine, so that no kernel number in the studio is typed by hand:
// - linux-arch-<arch>.json: syscall numbers and named constants of x86_64, i386, x32 (host
//   linux-libc-dev), aarch64, arm, riscv64 (linux-libc-dev-<arch>-cross): see linux-tables/.
// - linux-errno.json, linux-signals.json, linux-constants.json: arch-independent tables and the
//   seccomp/BPF/audit/prctl numbers the compiler and launcher use, evaluated by the C compiler.
// - systemd-syscall-groups.json: systemd's @groups, from `systemd-analyze syscall-filter`.
// A few headers (linux/landlock.h) come from a newer linux-libc-dev fetched, not installed, from
// bookworm-backports (linux-tables/newer-uapi.mjs); each arch table's `headerSources` says which.
// Run `npm run gen` after a header or systemd upgrade and commit the output with this script.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constantTable, hostLibcConstants, syscallTable } from './linux-tables/arch-tables.mjs';
import { ARCHES } from './linux-tables/arches.mjs';
import { HOST_LIBC_FAMILY, KERNEL_FAMILIES } from './linux-tables/constant-groups.mjs';
import { cppVersion } from './linux-tables/cpp.mjs';
import { withNewerUapi } from './linux-tables/newer-uapi.mjs';
import { systemdSyscallGroups, systemdVersion } from './linux-tables/systemd-groups.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'app', 'generated');
const include = '/usr/include';

function read(path) {
  return readFileSync(join(include, path), 'utf8');
}

function packageVersion(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' });
  } catch {
    throw new Error(`${name} is not installed: apt-get install ${name}`);
  }
}

const headerVersion = () => packageVersion('linux-libc-dev');

/** `#define PREFIXname <number>` lines, in header order. */
function numericDefines(text, pattern) {
  const out = [];
  for (const m of text.matchAll(pattern))
    out.push({ name: m[1], value: Number(m[2]), comment: m[3]?.trim() });
  return out;
}

function errnoTable() {
  const rows = [
    ...numericDefines(
      read('asm-generic/errno-base.h'),
      /^#define\s+(E\w+)\s+(\d+)\s*(?:\/\*(.*?)\*\/)?/gm,
    ),
    ...numericDefines(
      read('asm-generic/errno.h'),
      /^#define\s+(E\w+)\s+(\d+)\s*(?:\/\*(.*?)\*\/)?/gm,
    ),
  ];
  const aliases = {};
  for (const m of read('asm-generic/errno.h').matchAll(
    /^#define\s+(E\w+)\s+(E\w+)\s*(?:\/\*.*)?$/gm,
  )) {
    aliases[m[1]] = m[2];
  }
  return {
    errno: rows.map((r) => ({ name: r.name, value: r.value, description: r.comment ?? '' })),
    aliases,
  };
}

function signalTable() {
  const rows = numericDefines(
    read('x86_64-linux-gnu/asm/signal.h'),
    /^#define\s+(SIG[A-Z0-9]+)\s+(\d+)\s*$/gm,
  );
  return rows
    .filter((r) => r.value >= 1 && r.value <= 31)
    .map((r) => ({ name: r.name, value: r.value }));
}

/** Macro names matching `pattern` in a header, evaluated by compiling a tiny C program. */
function evaluateMacros(headers, files, pattern) {
  const names = new Set();
  for (const f of files) {
    for (const m of read(f).matchAll(pattern)) names.add(m[1]);
  }
  const dir = mkdtempSync(join(tmpdir(), 'gen-linux-'));
  try {
    const lines = [...names].map(
      // Headers define some names only for other word sizes (#ifndef __LP64__): skip those.
      (n) =>
        `#ifdef ${n}\n  printf("%s\\"${n}\\": %llu", first ? "" : ",\\n", (unsigned long long)(${n})); first = 0;\n#endif`,
    );
    const src = `${headers.map((h) => `#include <${h}>`).join('\n')}
#include <stdio.h>
int main(void) {
  int first = 1;
  printf("{\\n");
${lines.join('\n')}
  printf("\\n}\\n");
  return 0;
}
`;
    writeFileSync(join(dir, 'c.c'), src);
    execFileSync('cc', ['-o', join(dir, 'c'), join(dir, 'c.c')], { stdio: 'inherit' });
    return JSON.parse(execFileSync(join(dir, 'c'), { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function constants() {
  // Only macros with a plain value: skip function-like macros and header guards.
  const valueMacro = (prefix) => new RegExp(`^#define\\s+(${prefix}\\w*)[ \\t]+[^\\s(\\\\]`, 'gm');
  const exprMacro = (prefix) => new RegExp(`^#define\\s+(${prefix}\\w*)[ \\t]+[^\\s\\\\]`, 'gm');
  return {
    seccomp: evaluateMacros(
      ['sys/ioctl.h', 'linux/seccomp.h'],
      ['linux/seccomp.h'],
      exprMacro('SECCOMP_'),
    ),
    audit: evaluateMacros(['linux/audit.h'], ['linux/audit.h'], exprMacro('AUDIT_ARCH_')),
    bpf: evaluateMacros(
      ['linux/filter.h'],
      ['linux/bpf_common.h', 'linux/filter.h'],
      valueMacro('BPF_(?!STMT|JUMP)'),
    ),
    prctl: evaluateMacros(['linux/prctl.h'], ['linux/prctl.h'], valueMacro('PR_')),
    x86: evaluateMacros(['asm/unistd.h'], ['x86_64-linux-gnu/asm/unistd.h'], valueMacro('__X32_')),
    fcntl: evaluateMacros(
      ['linux/fcntl.h'],
      ['asm-generic/fcntl.h'],
      valueMacro('(?:F_|FD_CLOEXEC)'),
    ),
    poll: evaluateMacros(['linux/poll.h'], ['asm-generic/poll.h'], valueMacro('POLL')),
  };
}

/** Sanity limits: a wrong predefine or include path shows up as a wildly different count. */
const SYSCALL_COUNT = { x86_64: [340, 420], i386: [400, 480], x32: [320, 420] };
const GENERIC_SYSCALL_COUNT = [280, 460];

function checkSyscalls(arch, syscalls, syscallBase) {
  const [min, max] = SYSCALL_COUNT[arch.name] ?? GENERIC_SYSCALL_COUNT;
  if (syscalls.size < min || syscalls.size > max) {
    throw new Error(`${arch.name}: ${syscalls.size} syscalls, expected ${min}..${max}`);
  }
  const byNumber = new Map();
  for (const [name, nr] of syscalls) {
    if (byNumber.has(nr))
      throw new Error(`${arch.name}: ${name} and ${byNumber.get(nr)} are ${nr}`);
    byNumber.set(nr, name);
    if (syscallBase !== undefined && (nr & syscallBase) === 0) {
      throw new Error(`${arch.name}: ${name} = ${nr} lacks the ABI bit ${syscallBase}`);
    }
  }
}

/** Families whose headers are not the arch's installed package's, and where they came from. */
function headerSources(families) {
  const entries = families.filter((f) => f.headerSource).map((f) => [f.family, f.headerSource]);
  return entries.length ? { headerSources: Object.fromEntries(entries) } : {};
}

function archTable(arch, tables, hostLibc, families) {
  const { syscalls, aliases } = syscallTable(arch);
  const syscallBase =
    arch.syscallBaseMacro === undefined ? undefined : tables.x86[arch.syscallBaseMacro];
  if (arch.syscallBaseMacro !== undefined && syscallBase === undefined) {
    throw new Error(`${arch.syscallBaseMacro} not found`);
  }
  checkSyscalls(arch, syscalls, syscallBase);
  const auditArch = tables.audit[arch.auditArchMacro];
  if (auditArch === undefined) throw new Error(`${arch.auditArchMacro} not in linux/audit.h`);
  const { constants, unevaluated } = constantTable(arch, families, hostLibc);
  return {
    source: `${arch.package} ${packageVersion(arch.package)} (${arch.include.at(-1)}), ${cppVersion()}`,
    ...headerSources(families),
    arch: arch.name,
    auditArch,
    bits: arch.bits,
    longBits: arch.model === 'lp64' ? 64 : 32,
    ...(syscallBase === undefined ? {} : { syscallBase }),
    syscalls: Object.fromEntries(syscalls),
    syscallAliases: Object.fromEntries(aliases),
    constants: Object.fromEntries([...constants].map(([name, value]) => [name, String(value)])),
    unevaluated: Object.fromEntries(unevaluated),
  };
}

function writeJson(name, data) {
  writeFileSync(join(outDir, name), `${JSON.stringify(data, null, 1)}\n`);
  console.log(`wrote app/generated/${name}`);
}

mkdirSync(outDir, { recursive: true });
const source = `linux-libc-dev ${headerVersion()} (${include})`;
const write = (name, data) => writeJson(name, { source, ...data });
const tables = constants();
write('linux-errno.json', errnoTable());
write('linux-signals.json', { signals: signalTable() });
write('linux-constants.json', tables);
const hostLibc = hostLibcConstants(HOST_LIBC_FAMILY);
const families = withNewerUapi(KERNEL_FAMILIES);
for (const arch of ARCHES)
  writeJson(`linux-arch-${arch.name}.json`, archTable(arch, tables, hostLibc, families));
writeJson('systemd-syscall-groups.json', {
  source: `${systemdVersion()}: systemd-analyze syscall-filter`,
  ...systemdSyscallGroups(),
});
