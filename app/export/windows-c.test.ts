import { describe, expect, it } from 'vitest';
import { mitigationFlags, WINDOWS_MITIGATION_NAMES } from '../policy/windows-schema';
import { CodeExportError } from './code-export';
import { policyToWindowsC } from './windows-c';
import { MITIGATION_SPECS, type FieldSpec } from './windows-mitigations';
import {
  applyOrder,
  codeOnly,
  expectEveryCallChecked,
  functionBody,
  policyOf,
} from './test-helpers';

/** A policy with every flag of every mitigation set. */
const EVERYTHING = `version: 1
name: everything
windows:
  mitigations:
${WINDOWS_MITIGATION_NAMES.map(
  (name) =>
    `    ${name}: { ${mitigationFlags(name)
      .map((f) => `${f}: true`)
      .join(', ')} }`,
).join('\n')}
`;

function windowsC(mitigations: string): string {
  return policyToWindowsC(policyOf(`version: 1\nwindows:\n  mitigations: ${mitigations}\n`)).text;
}

describe('Windows C export: sandbox_apply (SetProcessMitigationPolicy)', () => {
  const c = policyToWindowsC(policyOf(EVERYTHING)).text;

  it('applies every mitigation the policy sets, in file order', () => {
    expect(applyOrder(c)).toEqual(WINDOWS_MITIGATION_NAMES.map((n) => `sandbox_apply_${n}`));
    expect(c).toContain('[[nodiscard]] DWORD sandbox_apply(void);');
    expect(c).toContain(
      '[[nodiscard]] DWORD sandbox_launch(wchar_t *command_line, PROCESS_INFORMATION *process);',
    );
  });

  it('sets each settable flag in a zero-initialised structure', () => {
    for (const name of WINDOWS_MITIGATION_NAMES) {
      const spec = MITIGATION_SPECS[name];
      if (!spec.struct) continue;
      const body = functionBody(c, `sandbox_apply_${name}`);
      const flags: Readonly<Record<string, FieldSpec>> = spec.flags;
      for (const field of Object.values(flags)) {
        for (const f of field.fields) {
          expect(body, `${name}.${f}`).toContain(
            field.mode === 'set' ? `policy.${f} = 1;` : `if (!current.${f})`,
          );
        }
      }
    }
    const declarations = [
      ...codeOnly(c).matchAll(
        /\t(PROCESS_MITIGATION_\w+|JOBOBJECT_\w+|STARTUPINFOEXW) \w+( = \{\})?;/g,
      ),
    ];
    expect(declarations.length).toBeGreaterThan(10);
    for (const [line, , init] of declarations) expect(init, line).toBe(' = {}');
  });

  it('checks every Windows call', () => {
    for (const call of [
      /SetProcessMitigationPolicy\(/,
      /GetProcessMitigationPolicy\(/,
      /CreateJobObjectW\(/,
      /SetInformationJobObject\(/,
      /AssignProcessToJobObject\(/,
      /InitializeProcThreadAttributeList\(/,
      /UpdateProcThreadAttribute\(/,
      /CreateProcessW\(/,
    ]) {
      expectEveryCallChecked(c, call);
    }
  });

  it('checks what a running process cannot turn on instead of setting it', () => {
    const cfg = functionBody(c, 'sandbox_apply_cfg');
    expect(cfg).toContain(
      'GetProcessMitigationPolicy(GetCurrentProcess(), ProcessControlFlowGuardPolicy, &current, sizeof current)',
    );
    expect(cfg).not.toContain('policy.EnableControlFlowGuard');
    expect(cfg.indexOf('current.EnableControlFlowGuard')).toBeLessThan(
      cfg.indexOf('policy.StrictMode = 1;'),
    );
    expect(c).toContain(
      'ProcessControlFlowGuardPolicy.EnableControlFlowGuard is off: Control Flow Guard comes from the image',
    );
    const aslr = functionBody(c, 'sandbox_apply_aslr');
    expect(aslr).toContain('if (!current.EnableHighEntropy)');
    expect(aslr).not.toContain('policy.EnableHighEntropy');
    const dep = functionBody(c, 'sandbox_apply_dep');
    expect(dep).toMatch(
      /#if defined\(_WIN64\)[\s\S]*GetProcessMitigationPolicy[\s\S]*#else[\s\S]*policy\.Permanent = TRUE;[\s\S]*SetProcessMitigationPolicy\(ProcessDEPPolicy[\s\S]*#endif/,
    );
  });

  it('denies child processes with a job object (SetProcessMitigationPolicy has no child policy)', () => {
    const child = functionBody(c, 'sandbox_apply_child_process');
    expect(child).toContain('limits.LimitFlags = JOB_OBJECT_LIMIT_ACTIVE_PROCESS;');
    expect(child).toContain('limits.ActiveProcessLimit = 1;');
    expect(child).toContain('AssignProcessToJobObject(job, GetCurrentProcess())');
    expect(child).not.toContain('SetProcessMitigationPolicy');
  });

  it('applies only what is set', () => {
    const c = windowsC('{ image_load: { no_remote: true } }');
    expect(applyOrder(c)).toEqual(['sandbox_apply_image_load']);
    const body = functionBody(c, 'sandbox_apply_image_load');
    expect(body).toContain('policy.NoRemoteImages = 1;');
    expect(body).not.toContain('PreferSystem32Images');
  });
});

describe('Windows C export: sandbox_launch (PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY)', () => {
  function creationPolicy(c: string): string {
    return /static DWORD64 sandbox_creation_policy\[\d\] = \{([\s\S]*?)\};/.exec(c)?.[0] ?? '';
  }

  it('turns each flag into its creation bit, in one DWORD64 unless a second is needed', () => {
    const one = creationPolicy(
      windowsC('{ dep: { enable: true }, aslr: { bottom_up: true, high_entropy: true } }'),
    );
    expect(one).toContain('sandbox_creation_policy[1]');
    expect(one).toContain(
      'PROCESS_CREATION_MITIGATION_POLICY_DEP_ENABLE\n\t\t| PROCESS_CREATION_MITIGATION_POLICY_DEP_ATL_THUNK_ENABLE',
    );
    expect(one).toContain('PROCESS_CREATION_MITIGATION_POLICY_HIGH_ENTROPY_ASLR_ALWAYS_ON');
    const two = creationPolicy(windowsC('{ cfg: { enable: true, strict: true } }'));
    expect(two).toBe(
      'static DWORD64 sandbox_creation_policy[2] = {\n\tPROCESS_CREATION_MITIGATION_POLICY_CONTROL_FLOW_GUARD_ALWAYS_ON,\n\tPROCESS_CREATION_MITIGATION_POLICY2_STRICT_CONTROL_FLOW_GUARD_ALWAYS_ON,\n};',
    );
  });

  it('leaves ATL thunk emulation out only when the policy disables it', () => {
    const c = creationPolicy(
      windowsC('{ dep: { enable: true, disable_atl_thunk_emulation: true } }'),
    );
    expect(c).toContain('PROCESS_CREATION_MITIGATION_POLICY_DEP_ENABLE');
    expect(c).not.toContain('ATL_THUNK');
  });

  it('adds the child process attribute, and sizes the attribute list for it', () => {
    const c = windowsC('{ child_process: { deny: true } }');
    expect(creationPolicy(c)).toContain('= {\n\t0,\n};');
    expect(c).toContain(
      'static DWORD sandbox_child_policy = PROCESS_CREATION_CHILD_PROCESS_RESTRICTED;',
    );
    expect(functionBody(c, 'sandbox_create')).toContain(
      'PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY',
    );
    expect(functionBody(c, 'sandbox_launch')).toContain(
      'InitializeProcThreadAttributeList(attributes, 2, 0, &size)',
    );
    const without = windowsC('{ fonts: { disable_non_system: true } }');
    expect(functionBody(without, 'sandbox_launch')).toContain(
      'InitializeProcThreadAttributeList(attributes, 1, 0, &size)',
    );
    expect(without).not.toContain('CHILD_PROCESS_POLICY');
  });

  it('creates the process with the extended startup information and frees the list', () => {
    const c = windowsC('{ dep: { enable: true } }');
    expect(functionBody(c, 'sandbox_create')).toContain('EXTENDED_STARTUPINFO_PRESENT');
    expect(functionBody(c, 'sandbox_launch')).toMatch(
      /DeleteProcThreadAttributeList\(attributes\);\n\treturn result;/,
    );
  });
});

describe('Windows C export: errors', () => {
  it('refuses a policy without Windows mitigations, at the windows section when there is one', () => {
    expect(() => policyToWindowsC(policyOf('version: 1\n'))).toThrow(CodeExportError);
    try {
      policyToWindowsC(
        policyOf('version: 1\nwindows:\n  mitigations: { dep: { enable: false } }\n'),
      );
    } catch (error) {
      expect((error as CodeExportError).message).toMatch(/no Windows mitigations/);
      expect((error as CodeExportError).range?.start.line).toBe(3);
    }
  });
});
