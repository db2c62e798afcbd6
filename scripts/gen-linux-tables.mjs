#!/usr/bin/env node
// Generates app/generated/linux-*.json from the kernel headers installed on this machine
// (Debian's linux-libc-dev). Names are discovered in the headers; values of macros that are
// expressions (AUDIT_ARCH_*, SECCOMP_IOCTL_*) are evaluated by the C compiler, so nothing here is
// typed by hand. Run `npm run gen` after a header upgrade and commit the output with this script.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'app', 'generated');
const include = '/usr/include';

function read(path) {
  return readFileSync(join(include, path), 'utf8');
}

function headerVersion() {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'linux-libc-dev'], {
      encoding: 'utf8',
    });
  } catch {
    return 'unknown';
  }
}

/** `#define PREFIXname <number>` lines, in header order. */
function numericDefines(text, pattern) {
  const out = [];
  for (const m of text.matchAll(pattern))
    out.push({ name: m[1], value: Number(m[2]), comment: m[3]?.trim() });
  return out;
}

function syscallTable() {
  const text = read('x86_64-linux-gnu/asm/unistd_64.h');
  const rows = numericDefines(text, /^#define __NR_(\w+)\s+(\d+)\s*$/gm);
  if (rows.length < 300) throw new Error(`only ${rows.length} syscalls found in unistd_64.h`);
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
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

mkdirSync(outDir, { recursive: true });
const source = `linux-libc-dev ${headerVersion()} (${include})`;
const write = (name, data) => {
  writeFileSync(join(outDir, name), `${JSON.stringify({ source, ...data }, null, 1)}\n`);
  console.log(`wrote app/generated/${name}`);
};
write('linux-syscalls-x86_64.json', { arch: 'x86_64', syscalls: syscallTable() });
write('linux-errno.json', errnoTable());
write('linux-signals.json', { signals: signalTable() });
write('linux-constants.json', constants());
