import type { Policy } from '../policy/model';
import type { CodeExport, CodeExportOptions, CodeLanguage } from './code-export';
import { policyToFreeBsdC } from './freebsd-c';
import { policyToLibseccompC } from './libseccomp-c';
import { policyToLinuxC } from './linux-c';
import { policyToWindowsC } from './windows-c';

/** The exporter of each code language (CLI `export`, and the UI's Export menu). */
const EXPORTERS: Readonly<
  Record<CodeLanguage, (policy: Policy, options: CodeExportOptions) => CodeExport>
> = {
  c: policyToLinuxC,
  'libseccomp-c': policyToLibseccompC,
  'windows-c': (policy) => policyToWindowsC(policy),
  'freebsd-c': (policy) => policyToFreeBsdC(policy),
};

/**
 * The policy as a C file the program compiles in and calls to sandbox itself. Throws
 * CodeExportError (with the range of the entry at fault) when the policy cannot be exported so.
 */
export function exportCode(
  language: CodeLanguage,
  policy: Policy,
  options: CodeExportOptions = {},
): CodeExport {
  return EXPORTERS[language](policy, options);
}
