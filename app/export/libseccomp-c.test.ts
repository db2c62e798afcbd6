import { describe, expect, it } from 'vitest';
import { resolvedToLibseccomp } from '../formats/resolved-to-libseccomp';
import { resolvePolicy } from '../policy/resolve';
import { CodeExportError } from './code-export';
import { policyToLibseccompC } from './libseccomp-c';
import { applyOrder, expectEveryCallChecked, functionBody, policyOf, yaml } from './test-helpers';

const POLICY = yaml`
  version: 1
  linux:
    dumpable: false
    seccomp:
      arch: [x86_64, i386]
      default: errno EPERM
      bad_arch: kill-thread
      rules:
        - allow: [read, write]
        - errno: EACCES
          syscalls: [openat]
        - action: trace 5
          syscalls: [getuid]
        - allow: mmap
          when: "(arg3 & MAP_ANONYMOUS) != 0"
        - allow: lseek
          when: "arg1 > 5"
`;

describe('libseccomp C export', () => {
  const policy = policyOf(POLICY);
  const c = policyToLibseccompC(policy).text;

  it('puts the filter after no_new_privs, like the plain export', () => {
    expect(applyOrder(c)).toEqual([
      'sandbox_set_not_dumpable',
      'sandbox_set_no_new_privs',
      'sandbox_apply_filter',
    ]);
  });

  it('writes one table row per libseccomp rule of the policy', () => {
    const rules = resolvedToLibseccomp(resolvePolicy(policy), 2).rules;
    const rows = c.split('\n').filter((l) => /^\t\{ "/.test(l));
    expect(rows).toHaveLength(rules.length);
    expect(rows).toContain('\t{ "read", SCMP_ACT_ALLOW, 0, {} },');
    expect(rows).toContain('\t{ "openat", SCMP_ACT_ERRNO(13) /* EACCES */, 0, {} },');
    expect(rows).toContain('\t{ "getuid", SCMP_ACT_TRACE(5), 0, {} },');
    expect(rows).toContain(
      '\t{ "mmap", SCMP_ACT_ALLOW, 1, { { 3, SCMP_CMP_MASKED_EQ, UINT64_C(0x20), UINT64_C(0x20) } } },',
    );
    expect(rows).toContain(
      '\t{ "lseek", SCMP_ACT_ALLOW, 1, { { 1, SCMP_CMP_GT, UINT64_C(0x5), 0 } } },',
    );
  });

  it('adds the policy arches, sets the filter attributes and the default action', () => {
    expect(c).toContain(
      'static const uint32_t sandbox_arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86 };',
    );
    const build = functionBody(c, 'sandbox_build_filter');
    for (const attr of [
      'seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_THREAD)',
      'seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)',
      'seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)',
      'seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)',
      'seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)',
    ]) {
      expect(build).toContain(attr);
    }
    expect(build).toContain('seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)');
    expect(c).toContain('scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(1) /* EPERM */);');
    expect(c).toContain('#include <seccomp.h>');
    expect(c).toContain('link with -lseccomp');
  });

  it('leaves TSYNC off when asked to', () => {
    const c = policyToLibseccompC(policy, { tsync: false }).text;
    expect(functionBody(c, 'sandbox_build_filter')).toContain(
      'seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 0)',
    );
  });

  it('checks the result of every libseccomp call and releases the context', () => {
    for (const call of [
      /seccomp_arch_add\(/,
      /seccomp_arch_remove\(/,
      /seccomp_attr_set\(/,
      /seccomp_rule_add_array\(/,
      /seccomp_load\(/,
      /seccomp_syscall_resolve_name\(/,
      /seccomp_init\(/,
    ]) {
      expectEveryCallChecked(c, call);
    }
    expect(functionBody(c, 'sandbox_apply_filter')).toMatch(
      /seccomp_release\(ctx\);\n\treturn rc;/,
    );
    expect(functionBody(c, 'sandbox_apply_filter')).toContain('rc == -ESRCH');
  });

  it('refuses what libseccomp cannot express, at the seccomp section', () => {
    const trapData = policyOf(yaml`
      version: 1
      linux:
        seccomp:
          default: allow
          rules:
            - action: trap 3
              syscalls: [getuid]
    `);
    expect(() => policyToLibseccompC(trapData)).toThrow(/TRAP carries no data/);
    try {
      policyToLibseccompC(trapData);
    } catch (error) {
      expect((error as CodeExportError).range?.start.line).toBe(6);
    }
    const maskedOrder = policyOf(yaml`
      version: 1
      linux:
        seccomp:
          default: errno EPERM
          rules:
            - allow: read
              when: "(arg0 & 0xff) > 3"
    `);
    expect(() => policyToLibseccompC(maskedOrder)).toThrow(CodeExportError);
    try {
      policyToLibseccompC(maskedOrder);
    } catch (error) {
      expect((error as CodeExportError).message).toMatch(
        /^libseccomp cannot express this filter: /,
      );
      expect((error as CodeExportError).range?.start.line).toBe(4); // default:
    }
  });
});
