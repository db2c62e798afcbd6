import { capabilityName, capabilityNumber } from '../linux/capabilities';
import { rlimitResource } from '../linux/rlimits';
import type {
  BestEffortLayer,
  CapabilityRef,
  LinuxPolicy,
  RlimitAmount,
  RlimitSetting,
} from '../policy/model';
import type { CStep } from './c-unit';
import { CodeExportError, u64 } from './code-export';

/**
 * The Linux steps of an exported `sandbox_apply()` besides the seccomp filter: resource limits,
 * capabilities, dumpable, no_new_privs and seccomp strict mode, each a `[[nodiscard]]` helper
 * whose every call is checked. The filter step (linux-c.ts, libseccomp-c.ts) goes between
 * no_new_privs and strict mode; `linuxSteps` puts them in this order, for these reasons:
 *
 *  1. rlimits        before capabilities: raising a hard limit needs CAP_SYS_RESOURCE.
 *  2. bounding set   PR_CAPBSET_DROP needs CAP_SETPCAP, which capset may take away.
 *  3. capset         effective, permitted, inheritable become exactly the policy's lists.
 *  4. ambient        after capset: the kernel raises only what is permitted and inheritable.
 *  5. dumpable       PR_SET_DUMPABLE 0 (execve resets it, so only the program can set it).
 *  6. no_new_privs   before the filter: seccomp() requires it without CAP_SYS_ADMIN.
 *  7. filter         (given by the caller)
 *  8. strict mode    last: afterwards only read, write, _exit and sigreturn work.
 */

function bestEffort(linux: LinuxPolicy, layer: BestEffortLayer): boolean {
  return (linux.bestEffort ?? []).some((entry) => entry.layer === layer);
}

function rlimitValue(amount: RlimitAmount): string {
  return amount === 'unlimited' ? 'RLIM_INFINITY' : u64(amount);
}

function rlimitRow(setting: RlimitSetting): string {
  const macro = `RLIMIT_${setting.name.toUpperCase()}`;
  if (rlimitResource(setting.name) === undefined) {
    throw new CodeExportError(`unknown resource limit ${setting.name}`, setting.range);
  }
  const pair = `{ ${rlimitValue(setting.soft)}, ${rlimitValue(setting.hard)} }`;
  return `\t{ ${macro}, "${macro}", ${pair} },`;
}

function rlimitStep(linux: LinuxPolicy): CStep | undefined {
  const rlimits = linux.rlimits ?? [];
  if (rlimits.length === 0) return undefined;
  const table = [
    '/* linux.rlimits: soft and hard limit per resource (RLIM_INFINITY is `unlimited`). */',
    'static const struct sandbox_rlimit {',
    '\tint resource;',
    '\tconst char *name;',
    '\tstruct rlimit limit;',
    '} sandbox_rlimits[] = {',
    ...rlimits.map(rlimitRow),
    '};',
  ].join('\n');
  const helper = [
    '[[nodiscard]] static int sandbox_set_rlimits(void)',
    '{',
    '\tfor (size_t i = 0; i < sizeof sandbox_rlimits / sizeof sandbox_rlimits[0]; i++) {',
    '\t\tif (setrlimit(sandbox_rlimits[i].resource, &sandbox_rlimits[i].limit) != 0)',
    '\t\t\treturn sandbox_fail(errno, "setrlimit(%s)", sandbox_rlimits[i].name);',
    '\t}',
    '\treturn 0;',
    '}',
  ].join('\n');
  return {
    includes: ['sys/resource.h'],
    definitions: [table, helper],
    call: 'sandbox_set_rlimits()',
    why: 'Resource limits first: raising a hard limit needs CAP_SYS_RESOURCE, which step 3 may drop.',
    bestEffort: bestEffort(linux, 'rlimits'),
    summary: 'resource limits (setrlimit)',
  };
}

/** `SANDBOX_CAP(10) /* CAP_NET_BIND_SERVICE *\/ | …`, or `UINT64_C(0)` for the empty set. */
function capabilityMask(refs: readonly CapabilityRef[]): string {
  const numbers = [...new Set(refs.map((ref) => capabilityNumberOf(ref)))].sort((a, b) => a - b);
  if (numbers.length === 0) return 'UINT64_C(0)';
  return numbers
    .map((n) => `SANDBOX_CAP(${n}) /* ${capabilityName(n) ?? `capability ${n}`} */`)
    .join('\n\t| ');
}

function capabilityNumberOf(ref: CapabilityRef): number {
  const n = capabilityNumber(ref.name);
  if (n === undefined) throw new CodeExportError(`unknown capability ${ref.name}`, ref.range);
  return n;
}

const CAPABILITY_MASKS = (caps: NonNullable<LinuxPolicy['capabilities']>) =>
  [
    '/* linux.capabilities as bit masks: bit N is capability N (linux/capability.h). */',
    '#define SANDBOX_CAP(n) (UINT64_C(1) << (n))',
    ...(['effective', 'permitted', 'inheritable', 'bounding'] as const).map(
      (set) => `static const uint64_t sandbox_cap_${set} = ${capabilityMask(caps[set])};`,
    ),
  ].join('\n');

const BOUNDING_HELPER = [
  '[[nodiscard]] static int sandbox_drop_bounding_set(void)',
  '{',
  '\tfor (unsigned long cap = 0; cap < 64; cap++) {',
  '\t\tint present = prctl(PR_CAPBSET_READ, cap, 0UL, 0UL, 0UL);',
  '\t\tif (present < 0) {',
  '\t\t\tif (errno == EINVAL)',
  "\t\t\t\tbreak; /* past the running kernel's last capability */",
  '\t\t\treturn sandbox_fail(errno, "prctl(PR_CAPBSET_READ, %lu)", cap);',
  '\t\t}',
  '\t\tif (present == 0 || (sandbox_cap_bounding & SANDBOX_CAP(cap)) != 0)',
  '\t\t\tcontinue;',
  '\t\tif (prctl(PR_CAPBSET_DROP, cap, 0UL, 0UL, 0UL) != 0)',
  '\t\t\treturn sandbox_fail(errno, "prctl(PR_CAPBSET_DROP, %lu)", cap);',
  '\t}',
  '\treturn 0;',
  '}',
].join('\n');

/** capset(2) through syscall(2): glibc has no wrapper, and libcap is not needed for one call. */
const CAPSET_HELPER = [
  '[[nodiscard]] static int sandbox_set_capabilities(void)',
  '{',
  '\tstruct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };',
  '\tstruct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};',
  '\tfor (int word = 0; word < _LINUX_CAPABILITY_U32S_3; word++) {',
  '\t\tdata[word].effective = (uint32_t)(sandbox_cap_effective >> (32 * word));',
  '\t\tdata[word].permitted = (uint32_t)(sandbox_cap_permitted >> (32 * word));',
  '\t\tdata[word].inheritable = (uint32_t)(sandbox_cap_inheritable >> (32 * word));',
  '\t}',
  '\tif (syscall(SYS_capset, &header, data) != 0)',
  '\t\treturn sandbox_fail(errno, "capset");',
  '\treturn 0;',
  '}',
].join('\n');

function ambientHelper(caps: readonly CapabilityRef[]): string {
  const raise = [...new Set(caps.map(capabilityNumberOf))]
    .sort((a, b) => a - b)
    .flatMap((n) => [
      `\tif (prctl(PR_CAP_AMBIENT, (unsigned long)PR_CAP_AMBIENT_RAISE, ${n}UL, 0UL, 0UL) != 0) /* ${capabilityName(n) ?? n} */`,
      `\t\treturn sandbox_fail(errno, "prctl(PR_CAP_AMBIENT_RAISE, ${n})");`,
    ]);
  return [
    '[[nodiscard]] static int sandbox_set_ambient(void)',
    '{',
    '\tif (prctl(PR_CAP_AMBIENT, (unsigned long)PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL) != 0)',
    '\t\treturn sandbox_fail(errno, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");',
    ...raise,
    '\treturn 0;',
    '}',
  ].join('\n');
}

function capabilitySteps(linux: LinuxPolicy): CStep[] {
  const caps = linux.capabilities;
  if (!caps) return [];
  const effort = bestEffort(linux, 'capabilities');
  const includes = ['stdint.h', 'sys/prctl.h', 'sys/syscall.h', 'unistd.h', 'linux/capability.h'];
  return [
    {
      includes,
      definitions: [CAPABILITY_MASKS(caps), BOUNDING_HELPER],
      call: 'sandbox_drop_bounding_set()',
      why: 'Bounding set before capset: PR_CAPBSET_DROP needs CAP_SETPCAP, which capset may drop.',
      bestEffort: effort,
      summary: 'capability bounding set (PR_CAPBSET_DROP)',
    },
    {
      includes,
      definitions: [CAPSET_HELPER],
      call: 'sandbox_set_capabilities()',
      why: 'Effective, permitted and inheritable sets become exactly the policy lists.',
      bestEffort: effort,
      summary: 'capability sets (capset)',
    },
    {
      includes,
      definitions: [ambientHelper(caps.ambient)],
      call: 'sandbox_set_ambient()',
      why: 'Ambient set after capset: the kernel raises only what is permitted and inheritable.',
      bestEffort: effort,
      summary: 'ambient capabilities (PR_CAP_AMBIENT)',
    },
  ];
}

function dumpableStep(linux: LinuxPolicy): CStep | undefined {
  if (linux.dumpable?.value !== false) return undefined;
  return {
    includes: ['sys/prctl.h'],
    definitions: [
      [
        '[[nodiscard]] static int sandbox_set_not_dumpable(void)',
        '{',
        '\tif (prctl(PR_SET_DUMPABLE, 0UL, 0UL, 0UL, 0UL) != 0)',
        '\t\treturn sandbox_fail(errno, "prctl(PR_SET_DUMPABLE, 0)");',
        '\treturn 0;',
        '}',
      ].join('\n'),
    ],
    call: 'sandbox_set_not_dumpable()',
    why: 'dumpable: false. No core dumps, no ptrace by the same user; execve resets this flag, so only the program itself can set it.',
    summary: 'not dumpable (PR_SET_DUMPABLE 0)',
  };
}

function noNewPrivsStep(linux: LinuxPolicy): CStep | undefined {
  if (!linux.noNewPrivs) return undefined;
  return {
    includes: ['sys/prctl.h'],
    definitions: [
      [
        '[[nodiscard]] static int sandbox_set_no_new_privs(void)',
        '{',
        '\tif (prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) != 0)',
        '\t\treturn sandbox_fail(errno, "prctl(PR_SET_NO_NEW_PRIVS, 1)");',
        '\treturn 0;',
        '}',
      ].join('\n'),
    ],
    call: 'sandbox_set_no_new_privs()',
    why: 'no_new_privs before any filter: execve can no longer grant privileges, and seccomp() requires it unless the caller has CAP_SYS_ADMIN.',
    summary: 'no_new_privs (PR_SET_NO_NEW_PRIVS)',
  };
}

function strictStep(linux: LinuxPolicy): CStep | undefined {
  if (linux.seccompStrict?.value !== true) return undefined;
  return {
    includes: ['sys/syscall.h', 'unistd.h', 'linux/seccomp.h'],
    definitions: [
      [
        '/*',
        ' * seccomp_strict: true. From here on only read(2), write(2), _exit(2) and sigreturn(2)',
        ' * work; anything else, exit_group(2) included, kills the process with SIGKILL. End the',
        ' * program with syscall(SYS_exit, status): exit() and returning from main() use exit_group.',
        ' */',
        '[[nodiscard]] static int sandbox_enter_strict_mode(void)',
        '{',
        '\tif (syscall(SYS_seccomp, (unsigned long)SECCOMP_SET_MODE_STRICT, 0UL, NULL) != 0)',
        '\t\treturn sandbox_fail(errno, "seccomp(SECCOMP_SET_MODE_STRICT)");',
        '\treturn 0;',
        '}',
      ].join('\n'),
    ],
    call: 'sandbox_enter_strict_mode()',
    why: 'Strict mode last: afterwards nothing but read, write, _exit and sigreturn can run.',
    summary: 'seccomp strict mode',
  };
}

/**
 * Every Linux step of the policy in order, with `filter` (the seccomp filter, if the policy has
 * one) after no_new_privs. A filter and strict mode exclude each other: the kernel refuses
 * SECCOMP_MODE_STRICT once a filter is installed (EINVAL), and strict mode kills seccomp().
 */
export function linuxSteps(linux: LinuxPolicy, filter: CStep | undefined): CStep[] {
  const strict = strictStep(linux);
  if (strict && filter && linux.seccompStrict) {
    throw new CodeExportError(
      'seccomp_strict and a seccomp filter exclude each other in one process: the kernel refuses strict mode once a filter is installed (EINVAL), and in strict mode seccomp() itself is fatal. Keep one of them.',
      linux.seccompStrict.range,
    );
  }
  return [
    rlimitStep(linux),
    ...capabilitySteps(linux),
    dumpableStep(linux),
    noNewPrivsStep(linux),
    filter,
    strict,
  ].filter((step): step is CStep => step !== undefined);
}
