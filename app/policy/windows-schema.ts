import { z } from 'zod';
import { documented, expected, issue } from './schema-support';

/**
 * The zod schema of `windows:`: process mitigation policies (winnt.h PROCESS_MITIGATION_*), for
 * export as C (app/export/windows-c.ts). The studio cannot run Windows targets, so this part is
 * validated and exported only. Every flag is a boolean where `true` is the stricter setting, so
 * an omitted flag never weakens what Windows does by default.
 */

interface FlagDoc {
  readonly description: string;
  /** Another flag of the same mitigation this one needs set to mean anything. */
  readonly requires?: string;
}

interface MitigationDoc {
  readonly title: string;
  readonly description: string;
  readonly flags: Readonly<Record<string, FlagDoc>>;
}

/** Every mitigation the policy models, by its key under `windows.mitigations`. */
export const WINDOWS_MITIGATIONS = {
  dep: {
    title: 'Data Execution Prevention',
    description:
      'ProcessDEPPolicy. 64-bit processes always run with DEP; for them the export checks it instead of setting it.',
    flags: {
      enable: { description: 'Enable DEP for good (Permanent).' },
      disable_atl_thunk_emulation: {
        description: 'Also turn off ATL thunk emulation (32-bit processes).',
        requires: 'enable',
      },
    },
  },
  aslr: {
    title: 'Address Space Layout Randomization',
    description:
      'ProcessASLRPolicy. Once applied it cannot be weakened. Set it before images load: force_relocate only affects images loaded afterwards.',
    flags: {
      bottom_up: { description: 'Randomize bottom-up allocations (EnableBottomUpRandomization).' },
      force_relocate: {
        description: 'Relocate images not built with /DYNAMICBASE (EnableForceRelocateImages).',
      },
      high_entropy: {
        description:
          'High-entropy (64-bit) randomization (EnableHighEntropy). Decided when the image loads (/HIGHENTROPYVA): the self-applied export checks it, the launcher form requests it.',
      },
      disallow_stripped_images: {
        description:
          'Refuse to load images without relocation information when relocating them (DisallowStrippedImages).',
        requires: 'force_relocate',
      },
    },
  },
  cfg: {
    title: 'Control Flow Guard',
    description:
      'ProcessControlFlowGuardPolicy. CFG itself comes from the image (/guard:cf): a running process can only add strict mode; the self-applied export checks the rest.',
    flags: {
      enable: { description: 'The process runs with CFG (EnableControlFlowGuard).' },
      export_suppression: {
        description:
          'Exported functions are not valid indirect call targets unless resolved with GetProcAddress (EnableExportSuppression).',
        requires: 'enable',
      },
      strict: {
        description: 'Every DLL loaded must be built with CFG, or it fails to load (StrictMode).',
        requires: 'enable',
      },
    },
  },
  dynamic_code: {
    title: 'Arbitrary code guard',
    description:
      'ProcessDynamicCodePolicy: no new executable memory and no changes to executable code (no JIT).',
    flags: {
      prohibit: { description: 'Prohibit dynamic code (ProhibitDynamicCode).' },
      allow_thread_opt_out: {
        description:
          'Weaker: let threads opt out with SetThreadInformation (AllowThreadOptOut); write it only if the program needs it.',
        requires: 'prohibit',
      },
    },
  },
  strict_handle_checks: {
    title: 'Strict handle checks',
    description: 'ProcessStrictHandleCheckPolicy: using an invalid handle is a fatal error.',
    flags: {
      enable: {
        description:
          'Raise an exception on an invalid handle, for good (RaiseExceptionOnInvalidHandleReference, HandleExceptionsPermanentlyEnabled).',
      },
    },
  },
  win32k: {
    title: 'Win32k system calls',
    description: 'ProcessSystemCallDisablePolicy: no NTUser/GDI system calls (no windows, no GDI).',
    flags: {
      disable: { description: 'Disallow win32k system calls (DisallowWin32kSystemCalls).' },
    },
  },
  extension_points: {
    title: 'Extension points',
    description:
      'ProcessExtensionPointDisablePolicy: legacy DLL injection points (AppInit DLLs, Winsock LSPs, global window hooks, IMEs) are not loaded.',
    flags: { disable: { description: 'Disable extension points (DisableExtensionPoints).' } },
  },
  signature: {
    title: 'Image signatures',
    description: 'ProcessSignaturePolicy: which signed images may load.',
    flags: {
      microsoft_signed_only: {
        description: 'Only images signed by Microsoft load (MicrosoftSignedOnly).',
      },
      allow_store_signed: {
        description: 'Also images signed by the Microsoft Store (StoreSignedOnly).',
        requires: 'microsoft_signed_only',
      },
    },
  },
  fonts: {
    title: 'Fonts',
    description: 'ProcessFontDisablePolicy: only fonts installed in the system folder load.',
    flags: {
      disable_non_system: { description: 'Refuse non-system fonts (DisableNonSystemFonts).' },
    },
  },
  image_load: {
    title: 'Image loading',
    description: 'ProcessImageLoadPolicy: where executable images may come from.',
    flags: {
      no_remote: {
        description: 'No images from remote devices such as UNC shares (NoRemoteImages).',
      },
      no_low_label: {
        description: 'No images carrying the low mandatory label (NoLowMandatoryLabelImages).',
      },
      prefer_system32: {
        description: 'Search System32 first for DLLs (PreferSystem32Images).',
      },
    },
  },
  child_process: {
    title: 'Child processes',
    description:
      'ProcessChildProcessPolicy: the process cannot start other processes. SetProcessMitigationPolicy does not take this one: the launcher form sets it at creation, the self-applied export uses a job object limited to one active process.',
    flags: { deny: { description: 'No child processes (NoChildProcessCreation).' } },
  },
} as const satisfies Readonly<Record<string, MitigationDoc>>;

export type WindowsMitigationName = keyof typeof WINDOWS_MITIGATIONS;
export type WindowsMitigationFlag<N extends WindowsMitigationName> =
  keyof (typeof WINDOWS_MITIGATIONS)[N]['flags'] & string;

export const WINDOWS_MITIGATION_NAMES = Object.keys(WINDOWS_MITIGATIONS) as WindowsMitigationName[];

/** The flags of a mitigation, in the table's order. */
export function mitigationFlags<N extends WindowsMitigationName>(
  name: N,
): WindowsMitigationFlag<N>[] {
  return Object.keys(WINDOWS_MITIGATIONS[name].flags) as WindowsMitigationFlag<N>[];
}

function flagDoc(name: WindowsMitigationName, flag: string): FlagDoc | undefined {
  const flags: Readonly<Record<string, FlagDoc>> = WINDOWS_MITIGATIONS[name].flags;
  return Object.hasOwn(flags, flag) ? flags[flag] : undefined;
}

/** A flag set without the flag it needs means nothing: say so where it is written. */
function checkRequirements(name: WindowsMitigationName) {
  return (flags: Readonly<Record<string, boolean | undefined>>, ctx: z.RefinementCtx) => {
    for (const [flag, value] of Object.entries(flags)) {
      const needs = flagDoc(name, flag)?.requires;
      if (value !== true || needs === undefined || flags[needs] === true) continue;
      issue(
        ctx,
        `${name}.${flag} needs ${needs}: true (without it, it has no effect)`,
        { code: 'windows-mitigation', at: 'key' },
        [flag],
      );
    }
  };
}

function mitigationSchema(name: WindowsMitigationName) {
  const doc: MitigationDoc = WINDOWS_MITIGATIONS[name];
  const shape = Object.fromEntries(
    Object.entries(doc.flags).map(([flag, flagInfo]) => [
      flag,
      documented(z.boolean({ error: expected('true or false') }).optional(), {
        description: flagInfo.description,
      }),
    ]),
  );
  return documented(
    z
      .strictObject(shape, {
        error: expected(`a mapping of ${name} flags: ${Object.keys(doc.flags).join(', ')}`),
      })
      .superRefine(checkRequirements(name))
      .optional(),
    { title: doc.title, description: doc.description },
  );
}

export const WindowsMitigationsSchema = documented(
  z.strictObject(
    Object.fromEntries(WINDOWS_MITIGATION_NAMES.map((name) => [name, mitigationSchema(name)])),
    { error: expected(`a mapping of mitigations: ${WINDOWS_MITIGATION_NAMES.join(', ')}`) },
  ),
  {
    title: 'Process mitigation policies',
    description:
      'Windows process mitigation policies, e.g. `{ dep: { enable: true }, aslr: { bottom_up: true, force_relocate: true }, cfg: { enable: true, strict: true } }`. Export → Windows C applies them with SetProcessMitigationPolicy, or at process creation with PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY.',
  },
);

export const WindowsSchema = documented(
  z.strictObject(
    { mitigations: WindowsMitigationsSchema.optional() },
    { error: expected('a mapping with mitigations') },
  ),
  {
    title: 'Windows',
    description:
      'Windows confinement, for export only (the studio runs Linux targets): process mitigation policies.',
  },
);

export type WindowsDocument = z.output<typeof WindowsSchema>;
