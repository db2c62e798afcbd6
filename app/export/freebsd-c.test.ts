import { describe, expect, it } from 'vitest';
import { CodeExportError } from './code-export';
import { policyToFreeBsdC } from './freebsd-c';
import {
  applyOrder,
  codeOnly,
  expectEveryCallChecked,
  functionBody,
  policyOf,
  yaml,
} from './test-helpers';

/*
 * FreeBSD's headers are not on this machine, so the export cannot be compiled against them here
 * (main/export/freebsd-c.integration.test.ts compiles it against stub declarations): these tests
 * check its structure.
 */

const POLICY = yaml`
  version: 1
  name: capsicum
  freebsd:
    capsicum:
      limit:
        stdin: [read, fstat]
        stdout: { rights: [write, fstat, ioctl, fcntl], ioctls: [TIOCGETA, 0x4004667f], fcntls: [getfl, setfl] }
        5: { rights: [read, ioctl], ioctls: [] }
`;

describe('FreeBSD C export', () => {
  const c = policyToFreeBsdC(policyOf(POLICY)).text;

  it('limits every descriptor, in file order, then enters capability mode', () => {
    expect(applyOrder(c)).toEqual([
      'sandbox_limit_stdin',
      'sandbox_limit_stdout',
      'sandbox_limit_fd5',
      'sandbox_enter_capability_mode',
    ]);
  });

  it('limits rights with the sys/capsicum.h macros', () => {
    const stdin = functionBody(c, 'sandbox_limit_stdin');
    expect(stdin).toContain('cap_rights_init(&rights, CAP_READ, CAP_FSTAT);');
    expect(stdin).toContain('if (cap_rights_limit(STDIN_FILENO, &rights) != 0)');
    const stdout = functionBody(c, 'sandbox_limit_stdout');
    expect(stdout).toContain(
      'cap_rights_init(&rights, CAP_WRITE, CAP_FSTAT, CAP_IOCTL, CAP_FCNTL);',
    );
    expect(stdout).toContain(
      'if (cap_fcntls_limit(STDOUT_FILENO, CAP_FCNTL_GETFL | CAP_FCNTL_SETFL) != 0)',
    );
    expect(stdout).toContain('static const cap_ioctl_t commands[] = { TIOCGETA, 0x4004667fUL };');
    expect(stdout).toContain(
      'if (cap_ioctls_limit(STDOUT_FILENO, commands, sizeof commands / sizeof commands[0]) != 0)',
    );
    expect(functionBody(c, 'sandbox_limit_fd5')).toContain(
      'if (cap_ioctls_limit(5, NULL, 0) != 0)',
    );
    expect(c).toContain('#include <sys/capsicum.h>');
    expect(c).toContain('#include <sys/ioctl.h>');
  });

  it('handles cap_enter failing, ENOSYS without CAPABILITY_MODE included, and checks the mode', () => {
    const enter = functionBody(c, 'sandbox_enter_capability_mode');
    expect(enter).toMatch(
      /if \(cap_enter\(\) != 0\) \{\n\t\tif \(errno == ENOSYS\)\n\t\t\treturn sandbox_fail\(ENOSYS, "cap_enter: this kernel has no capability mode \(options CAPABILITY_MODE\); nothing is confined"\);/,
    );
    expect(enter).toContain('if (cap_getmode(&mode) != 0)');
    expect(enter).toContain('if (mode == 0)');
  });

  it('checks every Capsicum call and marks every helper [[nodiscard]]', () => {
    for (const call of [
      /cap_rights_limit\(/,
      /cap_fcntls_limit\(/,
      /cap_ioctls_limit\(/,
      /cap_enter\(/,
      /cap_getmode\(/,
    ]) {
      expectEveryCallChecked(c, call);
    }
    const helpers = [
      ...codeOnly(c).matchAll(/^(.*)static int (sandbox_(limit|enter)\w*)\(void\)$/gm),
    ];
    expect(helpers).toHaveLength(4);
    for (const [, prefix, name] of helpers) expect(prefix, name).toBe('[[nodiscard]] ');
  });

  it('says that every file needed later must be opened before cap_enter()', () => {
    expect(c).toContain(
      'Every file, directory and socket the program needs later must be opened BEFORE this.',
    );
    expect(c).toContain('call sandbox_apply() once it has opened every');
  });

  it('only limits when enter is false', () => {
    const c = policyToFreeBsdC(
      policyOf('version: 1\nfreebsd: { capsicum: { enter: false, limit: { stderr: [write] } } }\n'),
    ).text;
    expect(applyOrder(c)).toEqual(['sandbox_limit_stderr']);
    expect(c).not.toContain('cap_enter');
    expect(c).not.toContain('sys/ioctl.h');
  });

  it('refuses a policy with nothing to export, at the capsicum section when there is one', () => {
    expect(() => policyToFreeBsdC(policyOf('version: 1\n'))).toThrow(CodeExportError);
    try {
      policyToFreeBsdC(policyOf('version: 1\nfreebsd:\n  capsicum: { enter: false }\n'));
    } catch (error) {
      expect((error as CodeExportError).message).toMatch(/no Capsicum settings/);
      expect((error as CodeExportError).range?.start.line).toBe(3);
    }
  });
});
