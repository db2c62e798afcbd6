import type { WindowsMitigationFlag, WindowsMitigationName } from '../policy/windows-schema';

/**
 * How each mitigation of policy/windows-schema.ts is written in C (winnt.h, winbase.h): the
 * PROCESS_MITIGATION_* structure fields SetProcessMitigationPolicy takes, and the
 * PROCESS_CREATION_MITIGATION_POLICY* bits PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY takes. Names
 * only: the Windows headers give the values.
 */

/**
 * `set`: SetProcessMitigationPolicy changes it. `check`: a running process cannot change it (it
 * comes from the image or from process creation), so the export reads it back and fails if off.
 */
export interface FieldSpec {
  readonly fields: readonly string[];
  readonly mode: 'set' | 'check';
  /** For `check`: what to do when it is off. */
  readonly remedy?: string;
}

/** A bit of the creation policy: the first DWORD64, or the second (Windows 10+). */
export interface CreationBit {
  readonly word: 1 | 2;
  readonly macro: string;
}

export interface MitigationSpec<N extends WindowsMitigationName> {
  /** PROCESS_MITIGATION_POLICY value; absent where SetProcessMitigationPolicy does not take it. */
  readonly policy?: string;
  readonly struct?: string;
  readonly flags: { readonly [F in WindowsMitigationFlag<N>]: FieldSpec };
  /** Creation bits per flag set; a function where flags combine other than by OR. */
  readonly creation: (flags: readonly WindowsMitigationFlag<N>[]) => CreationBit[];
}

const P1 = (suffix: string): CreationBit => ({
  word: 1,
  macro: `PROCESS_CREATION_MITIGATION_POLICY_${suffix}`,
});
const P2 = (suffix: string): CreationBit => ({
  word: 2,
  macro: `PROCESS_CREATION_MITIGATION_POLICY2_${suffix}`,
});

/** Creation bits OR-ed per flag. */
function bits<F extends string>(table: Readonly<Record<F, CreationBit>>) {
  return (flags: readonly F[]): CreationBit[] => flags.map((flag) => table[flag]);
}

const set = (...fields: string[]): FieldSpec => ({ fields, mode: 'set' });

export const MITIGATION_SPECS: { readonly [N in WindowsMitigationName]: MitigationSpec<N> } = {
  dep: {
    policy: 'ProcessDEPPolicy',
    struct: 'PROCESS_MITIGATION_DEP_POLICY',
    flags: {
      enable: set('Enable'),
      disable_atl_thunk_emulation: set('DisableAtlThunkEmulation'),
    },
    // DEP_ATL_THUNK_ENABLE turns the emulation on: leave it out only when the policy disables it.
    creation: (flags) =>
      flags.includes('enable')
        ? [
            P1('DEP_ENABLE'),
            ...(flags.includes('disable_atl_thunk_emulation') ? [] : [P1('DEP_ATL_THUNK_ENABLE')]),
          ]
        : [],
  },
  aslr: {
    policy: 'ProcessASLRPolicy',
    struct: 'PROCESS_MITIGATION_ASLR_POLICY',
    flags: {
      bottom_up: set('EnableBottomUpRandomization'),
      force_relocate: set('EnableForceRelocateImages'),
      high_entropy: {
        fields: ['EnableHighEntropy'],
        mode: 'check',
        remedy:
          'high-entropy ASLR is decided when the image loads: link with /HIGHENTROPYVA and /DYNAMICBASE (MinGW: -Wl,--high-entropy-va,--dynamicbase), or start the program with sandbox_launch()',
      },
      disallow_stripped_images: set('DisallowStrippedImages'),
    },
    creation: bits({
      bottom_up: P1('BOTTOM_UP_ASLR_ALWAYS_ON'),
      force_relocate: P1('FORCE_RELOCATE_IMAGES_ALWAYS_ON'),
      high_entropy: P1('HIGH_ENTROPY_ASLR_ALWAYS_ON'),
      disallow_stripped_images: P1('FORCE_RELOCATE_IMAGES_ALWAYS_ON_REQ_RELOCS'),
    }),
  },
  cfg: {
    policy: 'ProcessControlFlowGuardPolicy',
    struct: 'PROCESS_MITIGATION_CONTROL_FLOW_GUARD_POLICY',
    flags: {
      enable: {
        fields: ['EnableControlFlowGuard'],
        mode: 'check',
        remedy:
          'Control Flow Guard comes from the image: build with /guard:cf (Clang and MinGW: -mguard=cf)',
      },
      export_suppression: {
        fields: ['EnableExportSuppression'],
        mode: 'check',
        remedy:
          'CFG export suppression comes from the image (/guard:exportsuppress) or from process creation: start the program with sandbox_launch()',
      },
      strict: set('StrictMode'),
    },
    creation: bits({
      enable: P1('CONTROL_FLOW_GUARD_ALWAYS_ON'),
      export_suppression: P1('CONTROL_FLOW_GUARD_EXPORT_SUPPRESSION'),
      strict: P2('STRICT_CONTROL_FLOW_GUARD_ALWAYS_ON'),
    }),
  },
  dynamic_code: {
    policy: 'ProcessDynamicCodePolicy',
    struct: 'PROCESS_MITIGATION_DYNAMIC_CODE_POLICY',
    flags: {
      prohibit: set('ProhibitDynamicCode'),
      allow_thread_opt_out: set('AllowThreadOptOut'),
    },
    creation: bits({
      prohibit: P1('PROHIBIT_DYNAMIC_CODE_ALWAYS_ON'),
      allow_thread_opt_out: P1('PROHIBIT_DYNAMIC_CODE_ALWAYS_ON_ALLOW_OPT_OUT'),
    }),
  },
  strict_handle_checks: {
    policy: 'ProcessStrictHandleCheckPolicy',
    struct: 'PROCESS_MITIGATION_STRICT_HANDLE_CHECK_POLICY',
    flags: {
      enable: set('RaiseExceptionOnInvalidHandleReference', 'HandleExceptionsPermanentlyEnabled'),
    },
    creation: bits({ enable: P1('STRICT_HANDLE_CHECKS_ALWAYS_ON') }),
  },
  win32k: {
    policy: 'ProcessSystemCallDisablePolicy',
    struct: 'PROCESS_MITIGATION_SYSTEM_CALL_DISABLE_POLICY',
    flags: { disable: set('DisallowWin32kSystemCalls') },
    creation: bits({ disable: P1('WIN32K_SYSTEM_CALL_DISABLE_ALWAYS_ON') }),
  },
  extension_points: {
    policy: 'ProcessExtensionPointDisablePolicy',
    struct: 'PROCESS_MITIGATION_EXTENSION_POINT_DISABLE_POLICY',
    flags: { disable: set('DisableExtensionPoints') },
    creation: bits({ disable: P1('EXTENSION_POINT_DISABLE_ALWAYS_ON') }),
  },
  signature: {
    policy: 'ProcessSignaturePolicy',
    struct: 'PROCESS_MITIGATION_BINARY_SIGNATURE_POLICY',
    flags: {
      microsoft_signed_only: set('MicrosoftSignedOnly'),
      allow_store_signed: set('StoreSignedOnly'),
    },
    creation: bits({
      microsoft_signed_only: P1('BLOCK_NON_MICROSOFT_BINARIES_ALWAYS_ON'),
      allow_store_signed: P1('BLOCK_NON_MICROSOFT_BINARIES_ALLOW_STORE'),
    }),
  },
  fonts: {
    policy: 'ProcessFontDisablePolicy',
    struct: 'PROCESS_MITIGATION_FONT_DISABLE_POLICY',
    flags: { disable_non_system: set('DisableNonSystemFonts') },
    creation: bits({ disable_non_system: P1('FONT_DISABLE_ALWAYS_ON') }),
  },
  image_load: {
    policy: 'ProcessImageLoadPolicy',
    struct: 'PROCESS_MITIGATION_IMAGE_LOAD_POLICY',
    flags: {
      no_remote: set('NoRemoteImages'),
      no_low_label: set('NoLowMandatoryLabelImages'),
      prefer_system32: set('PreferSystem32Images'),
    },
    creation: bits({
      no_remote: P1('IMAGE_LOAD_NO_REMOTE_ALWAYS_ON'),
      no_low_label: P1('IMAGE_LOAD_NO_LOW_LABEL_ALWAYS_ON'),
      prefer_system32: P1('IMAGE_LOAD_PREFER_SYSTEM32_ALWAYS_ON'),
    }),
  },
  // Not a SetProcessMitigationPolicy policy: its own creation attribute, and a job object when
  // the process applies it to itself (windows-c.ts).
  child_process: {
    flags: { deny: { fields: [], mode: 'set' } },
    creation: () => [],
  },
};

export function mitigationSpec<N extends WindowsMitigationName>(name: N): MitigationSpec<N> {
  return MITIGATION_SPECS[name] as MitigationSpec<N>;
}
