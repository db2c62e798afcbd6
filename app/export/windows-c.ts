import type { Policy, WindowsMitigation, WindowsPolicy } from '../policy/model';
import { WINDOWS_MITIGATIONS } from '../policy/windows-schema';
import { applyBody, type CStep } from './c-unit';
import {
  blockComment,
  CodeExportError,
  cString,
  joinSections,
  policyTitle,
  type CodeExport,
} from './code-export';
import { MITIGATION_SPECS, type CreationBit, type FieldSpec } from './windows-mitigations';

/**
 * Export as Windows C (C23): `sandbox_apply()` applies the policy's process mitigation policies
 * to the calling process with SetProcessMitigationPolicy (zero-initialised structures, every
 * result checked), and `sandbox_launch()` starts another program with them applied by Windows at
 * creation (CreateProcessW with PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY). What a running process
 * cannot turn on (CFG, high-entropy ASLR, DEP of a 64-bit process) is checked instead of set.
 */

interface LooseSpec {
  readonly policy?: string;
  readonly struct?: string;
  readonly flags: Readonly<Record<string, FieldSpec>>;
  readonly creation: (flags: readonly string[]) => CreationBit[];
}

function specOf(mitigation: WindowsMitigation): LooseSpec {
  return MITIGATION_SPECS[mitigation.name] as unknown as LooseSpec;
}

function fieldsOf(mitigation: WindowsMitigation, mode: FieldSpec['mode']): FieldSpec[] {
  const spec = specOf(mitigation);
  return (mitigation.flags as readonly string[])
    .map((flag) => spec.flags[flag])
    .filter((field): field is FieldSpec => field !== undefined && field.mode === mode);
}

function setCall(spec: LooseSpec, fields: readonly FieldSpec[], extra: readonly string[] = []) {
  return [
    `\t${spec.struct} policy = {};`,
    ...fields.flatMap((f) => f.fields.map((name) => `\tpolicy.${name} = 1;`)),
    ...extra,
    `\tif (!SetProcessMitigationPolicy(${spec.policy}, &policy, sizeof policy))`,
    `\t\treturn sandbox_fail(GetLastError(), "SetProcessMitigationPolicy(${spec.policy})");`,
  ];
}

function checkCall(spec: LooseSpec, fields: readonly FieldSpec[]) {
  if (fields.length === 0) return [];
  return [
    `\t${spec.struct} current = {};`,
    `\tif (!GetProcessMitigationPolicy(GetCurrentProcess(), ${spec.policy}, &current, sizeof current))`,
    `\t\treturn sandbox_fail(GetLastError(), "GetProcessMitigationPolicy(${spec.policy})");`,
    ...fields.flatMap((f) =>
      f.fields.flatMap((name) => [
        `\tif (!current.${name})`,
        `\t\treturn sandbox_refuse(${cString(`${spec.policy}.${name} is off: ${f.remedy ?? 'it cannot be set at run time'}`)});`,
      ]),
    ),
  ];
}

function helperName(mitigation: WindowsMitigation): string {
  return `sandbox_apply_${mitigation.name}`;
}

function helper(name: string, body: readonly string[]): string {
  return [`[[nodiscard]] static DWORD ${name}(void)`, '{', ...body, '\treturn 0;', '}'].join('\n');
}

/** DEP: set for 32-bit processes; a 64-bit process always has it, so there it is checked. */
function depHelper(mitigation: WindowsMitigation): string {
  const spec = specOf(mitigation);
  const name = helperName(mitigation);
  const check = checkCall(spec, [
    {
      fields: ['Enable'],
      mode: 'check',
      remedy: 'Windows runs every 64-bit process with DEP; this system does not',
    },
  ]);
  return [
    `[[nodiscard]] static DWORD ${name}(void)`,
    '{',
    '#if defined(_WIN64)',
    '\t/* 64-bit processes always run with DEP (no ATL thunk emulation either): check it. */',
    ...check,
    '#else',
    ...setCall(spec, fieldsOf(mitigation, 'set'), ['\tpolicy.Permanent = TRUE;']),
    '#endif',
    '\treturn 0;',
    '}',
  ].join('\n');
}

const CHILD_PROCESS_HELPER = [
  '/*',
  ' * SetProcessMitigationPolicy does not take ProcessChildProcessPolicy: Windows sets it only at',
  ' * process creation (see sandbox_launch). A job object that allows one active process has the',
  ' * same effect for a running process: CreateProcess fails. The job handle stays open on purpose,',
  ' * failure or not: the limit holds as long as the process lives, and a caller that sees a',
  ' * failure exits anyway.',
  ' */',
  '[[nodiscard]] static DWORD sandbox_apply_child_process(void)',
  '{',
  '\tHANDLE job = CreateJobObjectW(NULL, NULL);',
  '\tif (job == NULL)',
  '\t\treturn sandbox_fail(GetLastError(), "CreateJobObjectW");',
  '\tJOBOBJECT_BASIC_LIMIT_INFORMATION limits = {};',
  '\tlimits.LimitFlags = JOB_OBJECT_LIMIT_ACTIVE_PROCESS;',
  '\tlimits.ActiveProcessLimit = 1;',
  '\tif (!SetInformationJobObject(job, JobObjectBasicLimitInformation, &limits, sizeof limits))',
  '\t\treturn sandbox_fail(GetLastError(), "SetInformationJobObject(JOB_OBJECT_LIMIT_ACTIVE_PROCESS)");',
  '\tif (!AssignProcessToJobObject(job, GetCurrentProcess()))',
  '\t\treturn sandbox_fail(GetLastError(), "AssignProcessToJobObject");',
  '\treturn 0;',
  '}',
].join('\n');

function mitigationHelper(mitigation: WindowsMitigation): string {
  if (mitigation.name === 'child_process') return CHILD_PROCESS_HELPER;
  if (mitigation.name === 'dep') return depHelper(mitigation);
  const spec = specOf(mitigation);
  const toSet = fieldsOf(mitigation, 'set');
  const toCheck = fieldsOf(mitigation, 'check');
  // Check first: CFG strict mode means nothing without CFG, and a refusal should change nothing.
  return helper(helperName(mitigation), [
    ...checkCall(spec, toCheck),
    ...(toSet.length > 0 ? setCall(spec, toSet) : []),
  ]);
}

function mitigationStep(mitigation: WindowsMitigation): CStep {
  const doc = WINDOWS_MITIGATIONS[mitigation.name];
  const flags = (mitigation.flags as readonly string[]).join(', ');
  return {
    includes: [],
    definitions: [mitigationHelper(mitigation)],
    call: `${helperName(mitigation)}()`,
    why: `windows.mitigations.${mitigation.name} (line ${mitigation.range.start.line}): ${doc.title}: ${flags}.`,
    summary: `${doc.title} (${flags})`,
  };
}

function creationWords(windows: WindowsPolicy): [string[], string[]] {
  const all = windows.mitigations.flatMap((m) => specOf(m).creation(m.flags as readonly string[]));
  const word = (n: 1 | 2) => [...new Set(all.filter((b) => b.word === n).map((b) => b.macro))];
  return [word(1), word(2)];
}

function orExpression(macros: readonly string[]): string {
  return macros.length === 0 ? '0' : macros.join('\n\t\t| ');
}

function launcher(windows: WindowsPolicy): string {
  const [first, second] = creationWords(windows);
  const child = windows.mitigations.some((m) => m.name === 'child_process');
  const words = second.length > 0 ? 2 : 1;
  const count = child ? 2 : 1;
  return [
    '/*',
    ' * The launcher form: Windows applies these to the new process as it creates it, before any of',
    ' * its code runs (PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY). The second DWORD64 is passed only',
    ' * when the policy needs it: Windows before 10 accepts one.',
    ' */',
    `static DWORD64 sandbox_creation_policy[${words}] = {`,
    `\t${orExpression(first)},`,
    ...(words === 2 ? [`\t${orExpression(second)},`] : []),
    '};',
    ...(child
      ? [
          '',
          '/* Must stay valid until CreateProcessW: static. */',
          'static DWORD sandbox_child_policy = PROCESS_CREATION_CHILD_PROCESS_RESTRICTED;',
        ]
      : []),
    '',
    '[[nodiscard]] static DWORD sandbox_create(LPPROC_THREAD_ATTRIBUTE_LIST attributes, wchar_t *command_line,',
    '\t\t\t\t\t  PROCESS_INFORMATION *process)',
    '{',
    '\tif (!UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY,',
    '\t\t\t\t       sandbox_creation_policy, sizeof sandbox_creation_policy, NULL, NULL))',
    '\t\treturn sandbox_fail(GetLastError(), "UpdateProcThreadAttribute(PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY)");',
    ...(child
      ? [
          '\tif (!UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY,',
          '\t\t\t\t       &sandbox_child_policy, sizeof sandbox_child_policy, NULL, NULL))',
          '\t\treturn sandbox_fail(GetLastError(), "UpdateProcThreadAttribute(PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY)");',
        ]
      : []),
    '\tSTARTUPINFOEXW startup = {};',
    '\tstartup.StartupInfo.cb = sizeof startup;',
    '\tstartup.lpAttributeList = attributes;',
    '\tif (!CreateProcessW(NULL, command_line, NULL, NULL, FALSE, EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,',
    '\t\t\t    &startup.StartupInfo, process))',
    '\t\treturn sandbox_fail(GetLastError(), "CreateProcessW");',
    '\treturn 0;',
    '}',
    '',
    '/*',
    ' * Starts command_line (CreateProcessW may write to it) with the policy applied from its first',
    ' * instruction. On success the caller owns process->hProcess and process->hThread.',
    ' */',
    '[[nodiscard]] DWORD sandbox_launch(wchar_t *command_line, PROCESS_INFORMATION *process)',
    '{',
    '\t/* The attribute list lives here; InitializeProcThreadAttributeList says how much it needs. */',
    '\tunion {',
    '\t\tunsigned char bytes[512];',
    '\t\tvoid *alignment;',
    '\t} storage = {};',
    '\tSIZE_T size = 0;',
    '\t/* Asked for the size, it fails with ERROR_INSUFFICIENT_BUFFER by design. */',
    `\tif (!InitializeProcThreadAttributeList(NULL, ${count}, 0, &size) && GetLastError() != ERROR_INSUFFICIENT_BUFFER)`,
    '\t\treturn sandbox_fail(GetLastError(), "InitializeProcThreadAttributeList(NULL)");',
    '\tif (size > sizeof storage.bytes)',
    '\t\treturn sandbox_fail(ERROR_INSUFFICIENT_BUFFER, "InitializeProcThreadAttributeList (list too large)");',
    '\tLPPROC_THREAD_ATTRIBUTE_LIST attributes = (LPPROC_THREAD_ATTRIBUTE_LIST)storage.bytes;',
    `\tif (!InitializeProcThreadAttributeList(attributes, ${count}, 0, &size))`,
    '\t\treturn sandbox_fail(GetLastError(), "InitializeProcThreadAttributeList");',
    '\tDWORD result = sandbox_create(attributes, command_line, process);',
    '\tDeleteProcThreadAttributeList(attributes);',
    '\treturn result;',
    '}',
  ].join('\n');
}

const MESSAGES = [
  'static char sandbox_message_text[512];',
  '',
  'const char *sandbox_message(void)',
  '{',
  '\treturn sandbox_message_text;',
  '}',
  '',
  '/* Records what failed with Win32 error `error` and returns it. */',
  '[[maybe_unused]] static DWORD sandbox_fail(DWORD error, const char *what)',
  '{',
  '\tsnprintf(sandbox_message_text, sizeof sandbox_message_text, "%s failed: Windows error %lu", what,',
  '\t\t (unsigned long)error);',
  '\treturn error;',
  '}',
  '',
  '/* A mitigation the process cannot turn on by itself is off: refuse to go on. */',
  '[[maybe_unused]] static DWORD sandbox_refuse(const char *why)',
  '{',
  '\tsnprintf(sandbox_message_text, sizeof sandbox_message_text, "%s", why);',
  '\treturn ERROR_NOT_SUPPORTED;',
  '}',
].join('\n');

const PRELUDE = [
  '#ifndef _WIN32_WINNT',
  '#define _WIN32_WINNT 0x0A00 /* Windows 10: every mitigation structure and creation bit */',
  '#endif',
  '#include <windows.h>',
  '#include <stdio.h>',
  '',
  '#if _WIN32_WINNT < 0x0A00',
  '#error "the mitigation declarations need _WIN32_WINNT 0x0A00 (Windows 10) or later"',
  '#endif',
  '#if !defined(__STDC_VERSION__) || __STDC_VERSION__ < 202000L',
  '#error "this file is C23 ([[nodiscard]], {} initializers): compile with -std=c2x or -std=c23"',
  '#endif',
].join('\n');

function header(policy: Policy, steps: readonly CStep[]): string {
  return blockComment([
    `Generated by Sandbox Studio from the policy ${policyTitle(policy.name)}.`,
    'Regenerate it from the policy rather than editing it.',
    '',
    "Two ways to apply the policy's Windows process mitigation policies:",
    '  [[nodiscard]] DWORD sandbox_apply(void);',
    '      the program applies them to itself: call it first thing in main(), before it loads',
    '      other DLLs (force_relocate and image policies affect only images loaded afterwards).',
    '  [[nodiscard]] DWORD sandbox_launch(wchar_t *command_line, PROCESS_INFORMATION *process);',
    '      a launcher starts the program with them applied by Windows at creation.',
    '  const char *sandbox_message(void);',
    'Both return 0 or a Win32 error code, with sandbox_message() saying what failed; on failure,',
    'do not go on unprotected. Mitigations cannot be weakened once applied.',
    '',
    'sandbox_apply() applies, in this order:',
    ...steps.map((s, i) => `  ${i + 1}. ${s.summary}`),
    '',
    'Build: x86_64-w64-mingw32-gcc -std=c2x -Wall -Werror -c sandbox.c (Windows 10 or later).',
  ]);
}

/** The policy's `windows:` section as C. */
export function policyToWindowsC(policy: Policy): CodeExport {
  const windows = policy.windows;
  if (!windows || windows.mitigations.length === 0) {
    throw new CodeExportError(
      'the policy has no Windows mitigations to export: add windows.mitigations, e.g. { dep: { enable: true } }',
      windows?.range,
    );
  }
  const steps = windows.mitigations.map(mitigationStep);
  const text = joinSections([
    header(policy, steps),
    PRELUDE,
    '[[nodiscard]] DWORD sandbox_apply(void);\n[[nodiscard]] DWORD sandbox_launch(wchar_t *command_line, PROCESS_INFORMATION *process);\nconst char *sandbox_message(void);',
    MESSAGES,
    ...steps.flatMap((s) => s.definitions),
    ['[[nodiscard]] DWORD sandbox_apply(void)', '{', applyBody(steps, 'DWORD'), '}'].join('\n'),
    launcher(windows),
  ]);
  return { language: 'windows-c', text, notes: [] };
}
