import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyToFreeBsdC } from '../../app/export/freebsd-c';
import { CAPSICUM_FCNTLS, CAPSICUM_RIGHTS } from '../../app/policy/freebsd-schema';
import { canRunLinuxIntegration } from '../../native-bridge/linux/c-test-program';
import { policyOf } from './probe-policies';

/**
 * Export → FreeBSD C cannot be compiled against FreeBSD's headers here (this is Linux). Instead it
 * is compiled with gcc -std=c2x -Wall -Werror against stub declarations of the Capsicum API with
 * FreeBSD's signatures (cap_rights_limit(2), cap_ioctls_limit(2), cap_fcntls_limit(2),
 * cap_enter(2)): that catches syntax errors, type errors, unchecked or unused results and
 * misspelt macro names, but not FreeBSD's own macro values.
 */

function stubHeaders(): string {
  const dir = mkdtempSync(join(tmpdir(), 'capsicum-stub-'));
  mkdirSync(join(dir, 'sys'));
  const rights = CAPSICUM_RIGHTS.map(
    (r, i) => `#define CAP_${r.toUpperCase()} (1ULL << ${i % 57})`,
  );
  const fcntls = CAPSICUM_FCNTLS.map((f, i) => `#define CAP_FCNTL_${f.toUpperCase()} (1U << ${i})`);
  writeFileSync(
    join(dir, 'sys', 'capsicum.h'),
    [
      '#pragma once',
      '#include <stddef.h>',
      '#include <stdint.h>',
      'typedef struct cap_rights { uint64_t cr_rights[2]; } cap_rights_t;',
      'typedef unsigned long cap_ioctl_t;',
      'cap_rights_t *__cap_rights_init(int version, cap_rights_t *rights, ...);',
      '#define cap_rights_init(...) __cap_rights_init(0, __VA_ARGS__, 0ULL)',
      'int cap_rights_limit(int fd, const cap_rights_t *rights);',
      'int cap_fcntls_limit(int fd, uint32_t fcntlrights);',
      'int cap_ioctls_limit(int fd, const cap_ioctl_t *cmds, size_t ncmds);',
      'int cap_enter(void);',
      'int cap_getmode(unsigned int *modep);',
      ...rights,
      ...fcntls,
    ].join('\n'),
  );
  writeFileSync(join(dir, 'sys', 'ioctl.h'), '#pragma once\n#define TIOCGETA 0x402c7413UL\n');
  return dir;
}

function compile(source: string, include: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'freebsd-export-'));
  writeFileSync(join(dir, 'sandbox.c'), source);
  execFileSync(
    'gcc',
    [
      '-std=c2x',
      '-Wall',
      '-Werror',
      '-I',
      include,
      '-c',
      '-o',
      join(dir, 'sandbox.o'),
      join(dir, 'sandbox.c'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

const POLICIES: Readonly<Record<string, string>> = {
  'rights, fcntls, ioctls, capability mode': `version: 1
freebsd:
  capsicum:
    limit:
      stdin: [read, fstat, event]
      stdout: { rights: [write, fstat, ioctl, fcntl], ioctls: [TIOCGETA, 0x4004667f], fcntls: [getfl] }
      4: { rights: [read, ioctl], ioctls: [] }
`,
  'every right on one descriptor': `version: 1
freebsd: { capsicum: { limit: { 3: [${CAPSICUM_RIGHTS.join(', ')}] } } }
`,
  'capability mode only': 'version: 1\nfreebsd: { capsicum: { enter: true } }\n',
  'no rights at all, no capability mode':
    'version: 1\nfreebsd: { capsicum: { enter: false, limit: { stdin: [] } } }\n',
};

describe.runIf(canRunLinuxIntegration)(
  'exported FreeBSD C against stub Capsicum declarations',
  () => {
    const include = stubHeaders();
    it.each(Object.entries(POLICIES))(
      'compiles with -std=c2x -Wall -Werror: %s',
      (_label, text) => {
        expect(() => compile(policyToFreeBsdC(policyOf(text)).text, include)).not.toThrow();
      },
    );
  },
);
