import type {
  LibseccompAction,
  LibseccompArch,
  LibseccompFilter,
} from '../formats/libseccomp-filter';
import { LibseccompExportError, resolvedToLibseccomp } from '../formats/resolved-to-libseccomp';
import { errnoByValue } from '../linux/errno';
import type { Policy, SeccompPolicy } from '../policy/model';
import type { CStep } from './c-unit';
import {
  CodeExportError,
  cString,
  u64,
  type CodeExport,
  type CodeExportOptions,
} from './code-export';
import { launcherOnlyNotes, linuxCFile } from './linux-c-file';
import { linuxSteps } from './linux-c-layers';
import { seccompRange, seccompSource } from './seccomp-source';

/**
 * Export as Linux C (C23) with libseccomp: the layers of linux-c-layers.ts, then the seccomp
 * section as seccomp_init / seccomp_arch_add / seccomp_rule_add / seccomp_load, every result
 * checked. The rules are those of formats/resolved-to-libseccomp.ts, which gives libseccomp's
 * unordered rules the meaning of the policy's ordered ones (first match wins).
 */

const ARCH_MACROS: Readonly<Record<LibseccompArch, string>> = {
  x86_64: 'SCMP_ARCH_X86_64',
  x86: 'SCMP_ARCH_X86',
  x32: 'SCMP_ARCH_X32',
  aarch64: 'SCMP_ARCH_AARCH64',
  arm: 'SCMP_ARCH_ARM',
  riscv64: 'SCMP_ARCH_RISCV64',
};

function errnoComment(errno: number): string {
  const name = errnoByValue(errno)?.name;
  return name ? ` /* ${name} */` : '';
}

function actionMacro(action: LibseccompAction): string {
  switch (action.kind) {
    case 'allow':
      return 'SCMP_ACT_ALLOW';
    case 'kill-process':
      return 'SCMP_ACT_KILL_PROCESS';
    case 'kill-thread':
      return 'SCMP_ACT_KILL_THREAD';
    case 'log':
      return 'SCMP_ACT_LOG';
    case 'notify':
      return 'SCMP_ACT_NOTIFY';
    case 'errno':
      return `SCMP_ACT_ERRNO(${action.errno})${errnoComment(action.errno)}`;
    case 'trace':
      return `SCMP_ACT_TRACE(${action.data})`;
    case 'trap':
      if (action.data) {
        throw new CodeExportError(
          `libseccomp's TRAP carries no data; trap ${action.data} needs the plain C export`,
        );
      }
      return 'SCMP_ACT_TRAP';
  }
}

const OP_MACROS = {
  EQ: 'SCMP_CMP_EQ',
  NE: 'SCMP_CMP_NE',
  LT: 'SCMP_CMP_LT',
  LE: 'SCMP_CMP_LE',
  GT: 'SCMP_CMP_GT',
  GE: 'SCMP_CMP_GE',
  MASKED_EQ: 'SCMP_CMP_MASKED_EQ',
} as const;

function ruleRow(rule: LibseccompFilter['rules'][number]): string {
  // struct scmp_arg_cmp: MASKED_EQ compares (arg & datum_a) with datum_b; the others arg with datum_a.
  const args = rule.args.map((a) =>
    a.op === 'MASKED_EQ'
      ? `{ ${a.arg}, ${OP_MACROS[a.op]}, ${u64(a.mask ?? 0n)}, ${u64(a.value)} }`
      : `{ ${a.arg}, ${OP_MACROS[a.op]}, ${u64(a.value)}, 0 }`,
  );
  const list = args.length === 0 ? '{}' : `{ ${args.join(', ')} }`;
  return `\t{ ${cString(rule.syscall)}, ${actionMacro(rule.action)}, ${args.length}, ${list} },`;
}

function tables(filter: LibseccompFilter): string {
  return [
    "/* linux.seccomp as libseccomp rules: for a syscall, the conditions of a rule exclude what the policy's earlier rules decide. */",
    'struct sandbox_rule {',
    '\tconst char *syscall;',
    '\tuint32_t action;',
    '\tunsigned int count;',
    '\tstruct scmp_arg_cmp args[6];',
    '};',
    '',
    'static const struct sandbox_rule sandbox_rules[] = {',
    ...filter.rules.map(ruleRow),
    '};',
    '',
    `static const uint32_t sandbox_arches[] = { ${filter.arches.map((a) => ARCH_MACROS[a]).join(', ')} };`,
  ].join('\n');
}

function buildHelper(filter: LibseccompFilter, tsync: boolean): string {
  const attr = (name: string, value: string, why: string) => [
    `\t/* ${why} */`,
    `\trc = seccomp_attr_set(ctx, ${name}, ${value});`,
    '\tif (rc != 0)',
    `\t\treturn sandbox_fail(-rc, "seccomp_attr_set(${name})");`,
  ];
  return [
    '[[nodiscard]] static bool sandbox_arch_listed(uint32_t arch)',
    '{',
    '\tfor (size_t i = 0; i < sizeof sandbox_arches / sizeof sandbox_arches[0]; i++) {',
    '\t\tif (sandbox_arches[i] == arch)',
    '\t\t\treturn true;',
    '\t}',
    '\treturn false;',
    '}',
    '',
    '[[nodiscard]] static int sandbox_build_filter(scmp_filter_ctx ctx)',
    '{',
    '\tint rc;',
    "\t/* seccomp_init() added the native arch: the policy's arches replace it. */",
    '\tfor (size_t i = 0; i < sizeof sandbox_arches / sizeof sandbox_arches[0]; i++) {',
    '\t\trc = seccomp_arch_add(ctx, sandbox_arches[i]);',
    '\t\tif (rc != 0 && rc != -EEXIST)',
    '\t\t\treturn sandbox_fail(-rc, "seccomp_arch_add(0x%x)", (unsigned int)sandbox_arches[i]);',
    '\t}',
    '\tif (!sandbox_arch_listed(seccomp_arch_native())) {',
    '\t\trc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);',
    '\t\tif (rc != 0)',
    '\t\t\treturn sandbox_fail(-rc, "seccomp_arch_remove(SCMP_ARCH_NATIVE)");',
    '\t}',
    ...attr(
      'SCMP_FLTATR_ACT_BADARCH',
      actionMacro(filter.badArchAction),
      'linux.seccomp.bad_arch: syscalls made through an ABI the policy does not list.',
    ),
    ...attr(
      'SCMP_FLTATR_CTL_NNP',
      '0',
      "no_new_privs is the policy's to set (sandbox_set_no_new_privs), not libseccomp's.",
    ),
    ...(tsync
      ? attr(
          'SCMP_FLTATR_CTL_TSYNC',
          '1',
          'TSYNC: the filter goes on every thread, or on none (seccomp_load then fails with ESRCH).',
        )
      : attr(
          'SCMP_FLTATR_CTL_TSYNC',
          '0',
          'Exported without TSYNC: only this thread and those it starts later; threads that exist already go on unfiltered.',
        )),
    ...attr(
      'SCMP_FLTATR_CTL_OPTIMIZE',
      String(filter.optimize),
      'A binary tree of syscall numbers.',
    ),
    ...attr(
      'SCMP_FLTATR_API_SYSRAWRC',
      '1',
      "The kernel's own errno from seccomp_load (otherwise ECANCELED for most of them).",
    ),
    '\tfor (size_t i = 0; i < sizeof sandbox_rules / sizeof sandbox_rules[0]; i++) {',
    '\t\tconst struct sandbox_rule *rule = &sandbox_rules[i];',
    '\t\tint nr = seccomp_syscall_resolve_name(rule->syscall);',
    '\t\tif (nr == __NR_SCMP_ERROR)',
    '\t\t\treturn sandbox_fail(ENOSYS, "seccomp_syscall_resolve_name(%s)", rule->syscall);',
    '\t\trc = seccomp_rule_add_array(ctx, rule->action, nr, rule->count, rule->args);',
    '\t\tif (rc != 0)',
    '\t\t\treturn sandbox_fail(-rc, "seccomp_rule_add(%s)", rule->syscall);',
    '\t}',
    '\treturn 0;',
    '}',
  ].join('\n');
}

function installHelper(filter: LibseccompFilter): string {
  return [
    '[[nodiscard]] static int sandbox_apply_filter(void)',
    '{',
    `\tscmp_filter_ctx ctx = seccomp_init(${actionMacro(filter.defaultAction)});`,
    '\tif (ctx == NULL)',
    '\t\treturn sandbox_fail(ENOMEM, "seccomp_init");',
    '\tint rc = sandbox_build_filter(ctx);',
    '\tif (rc == 0) {',
    '\t\trc = seccomp_load(ctx);',
    '\t\tif (rc == -ESRCH)',
    '\t\t\trc = sandbox_fail(ESRCH, "seccomp_load: a thread has a filter of its own and could not be synchronized (TSYNC); no filter was installed");',
    '\t\telse if (rc != 0)',
    '\t\t\trc = sandbox_fail(-rc, "seccomp_load");',
    '\t}',
    '\tseccomp_release(ctx);',
    '\treturn rc;',
    '}',
  ].join('\n');
}

/** libseccomp's SCMP_ACT_TRAP carries no data: say which entry asks for it. */
function checkTrapData(seccomp: SeccompPolicy): void {
  const entries = [
    { action: seccomp.defaultAction, range: seccomp.defaultRange },
    ...seccomp.rules.map((rule) => ({ action: rule.action, range: rule.range })),
  ];
  for (const { action, range } of entries) {
    if (action.kind === 'trap' && action.data) {
      throw new CodeExportError(
        `libseccomp's TRAP carries no data; trap ${action.data} needs the plain C export (export c)`,
        range,
      );
    }
  }
}

function toLibseccomp(policy: Policy): LibseccompFilter | undefined {
  const source = seccompSource(policy);
  if (!source) return undefined;
  checkTrapData(source.seccomp);
  try {
    return resolvedToLibseccomp(source.resolved, 2);
  } catch (error) {
    if (error instanceof LibseccompExportError) {
      throw new CodeExportError(
        `libseccomp cannot express this filter: ${error.message}`,
        seccompRange(source.seccomp),
      );
    }
    throw error;
  }
}

function filterStep(filter: LibseccompFilter, tsync: boolean): CStep {
  return {
    includes: ['stdbool.h', 'stddef.h', 'stdint.h', 'seccomp.h'],
    definitions: [tables(filter), buildHelper(filter, tsync), installHelper(filter)],
    call: 'sandbox_apply_filter()',
    why: `The seccomp filter, built and loaded by libseccomp${tsync ? ' on all threads (TSYNC)' : ''}.`,
    summary: `seccomp filter for ${filter.arches.join(', ')} (libseccomp${tsync ? ', TSYNC' : ''})`,
  };
}

/** The policy as Linux C using libseccomp; link with -lseccomp. TSYNC unless `tsync: false`. */
export function policyToLibseccompC(policy: Policy, options: CodeExportOptions = {}): CodeExport {
  const filter = toLibseccomp(policy);
  const steps = linuxSteps(policy.linux, filter && filterStep(filter, options.tsync ?? true));
  const notes = [...(seccompSource(policy)?.notes ?? []), ...launcherOnlyNotes(policy)];
  const text = linuxCFile({
    policy,
    steps,
    filterLines: filter
      ? [
          '',
          'libseccomp builds the filter when sandbox_apply() runs: the rules mean what the policy',
          "means, but the BPF is libseccomp's, not the studio's compiled program.",
        ]
      : [],
    ...(filter && policy.linux.seccomp && { arches: policy.linux.seccomp.arch }),
    build: 'cc -std=c2x -Wall -Werror -c sandbox.c, and link with -lseccomp',
    notes,
  });
  return { language: 'libseccomp-c', text, notes };
}
