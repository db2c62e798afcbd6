import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LibseccompFilter } from '../app/formats/libseccomp-filter';
import { resolveLibseccompFilter } from '../app/formats/libseccomp-meaning';
import { ociToLibseccomp } from '../app/formats/oci-seccomp';
import { parseOciSeccomp } from '../app/formats/oci-seccomp-schema';
import { resolvedToLibseccomp } from '../app/formats/resolved-to-libseccomp';
import { formatDiagnostic } from '../app/policy/source-range';
import { parsePolicy } from '../app/policy/parse';
import { resolvePolicy } from '../app/policy/resolve';
import type { ResolvedPolicy } from '../app/policy/resolved';
import type { TracedCall } from './traces';

/** A benchmark policy: ours as resolved, libseccomp's as rules with the same meaning. */
export interface BenchPolicy {
  readonly name: string;
  readonly source: string;
  readonly ours: ResolvedPolicy;
  readonly libseccomp: LibseccompFilter;
}

export function dockerDefault(root: string): BenchPolicy {
  const file = join(root, 'bench', 'profiles', 'docker-default.json');
  const parsed = parseOciSeccomp(readFileSync(file, 'utf8'));
  if (!parsed.profile) {
    throw new Error(parsed.diagnostics.map((d) => formatDiagnostic(file, d)).join('\n'));
  }
  const libseccomp = ociToLibseccomp(parsed.profile);
  return {
    name: "Docker's default",
    source: `${file} (x86_64 host: ${libseccomp.arches.join(' + ')}, Docker's capabilities)`,
    ours: resolveLibseccompFilter(libseccomp),
    libseccomp,
  };
}

/** examples/openssh-preauth.sandbox.yaml, through our parser; libseccomp gets the same meaning. */
export function opensshPreauth(root: string): BenchPolicy {
  const file = join(root, 'examples', 'openssh-preauth.sandbox.yaml');
  const parsed = parsePolicy(readFileSync(file, 'utf8'), { path: file });
  if (!parsed.policy) {
    throw new Error(parsed.diagnostics.map((d) => formatDiagnostic(file, d)).join('\n'));
  }
  const ours = resolvePolicy(parsed.policy);
  return { name: 'OpenSSH pre-auth', source: file, ours, libseccomp: resolvedToLibseccomp(ours) };
}

/** Allows exactly the syscalls the trace made; everything else kills the process. */
export function learnedAllowList(name: string, trace: readonly TracedCall[]): BenchPolicy {
  const names = [...new Set(trace.map((c) => c.name))].sort();
  const libseccomp: LibseccompFilter = {
    arches: ['x86_64'],
    defaultAction: { kind: 'kill-process' },
    badArchAction: { kind: 'kill-process' },
    optimize: 2,
    rules: names.map((syscall) => ({ syscall, action: { kind: 'allow' }, args: [] })),
  };
  return {
    name,
    source: `allow list of the ${names.length} syscalls learned`,
    ours: resolveLibseccompFilter(libseccomp),
    libseccomp,
  };
}
