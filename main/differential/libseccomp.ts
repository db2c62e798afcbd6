import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { decodeProgram } from '../../app/bpf/encode';
import type { BpfProgram } from '../../app/bpf/program';
import {
  libseccompRequest,
  type LibseccompArch,
  type LibseccompFilter,
} from '../../app/formats/libseccomp-filter';
import { ourArch } from '../../app/formats/libseccomp-meaning';
import { syscallNames, syscallNumber } from '../../app/linux/syscalls';

/**
 * libseccomp 2.5.4 as a reference compiler, through scripts/libseccomp-export.py and Debian's
 * python3-seccomp. The module exists for /usr/bin/python3 only (a pyenv python3 on PATH lacks it).
 */

export const SYSTEM_PYTHON = '/usr/bin/python3';

function findScript(): string {
  // Works from the source tree (vitest) and from a bundle in a temp dir run from the repo root.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '..', '..', 'scripts', 'libseccomp-export.py'),
    join(process.cwd(), 'scripts', 'libseccomp-export.py'),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`scripts/libseccomp-export.py not found (looked in ${candidates})`);
  return found;
}

/** Why libseccomp cannot be used here, or undefined when it can. */
export function libseccompUnavailable(): string | undefined {
  if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} is missing`;
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import seccomp'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return `${SYSTEM_PYTHON} cannot import seccomp (apt-get install python3-seccomp)`;
  }
  return undefined;
}

const Export = z.object({
  bpf: z.string().regex(/^([0-9a-f]{16})*$/),
  instructions: z.number().int(),
  skipped: z.array(z.object({ index: z.number().int(), syscall: z.string() })),
  dropped: z.array(z.object({ index: z.number().int(), syscall: z.string() })),
});

export interface LibseccompExport {
  readonly program: BpfProgram;
  /** Indexes of rules naming syscalls libseccomp 2.5.4 does not know; they are not in the program. */
  readonly skipped: readonly number[];
  /** Indexes of rules refused because their action is the default; the meaning is unchanged. */
  readonly dropped: readonly number[];
}

function toExport(raw: z.infer<typeof Export>): LibseccompExport {
  return {
    program: decodeProgram(Uint8Array.from(Buffer.from(raw.bpf, 'hex'))),
    skipped: raw.skipped.map((s) => s.index),
    dropped: raw.dropped.map((d) => d.index),
  };
}

/** Compiles every filter with libseccomp in one python run. Throws with libseccomp's message. */
export function exportWithLibseccomp(filters: readonly LibseccompFilter[]): LibseccompExport[] {
  if (filters.length === 0) return [];
  const run = spawnSync(SYSTEM_PYTHON, [findScript()], {
    input: JSON.stringify(filters.map(libseccompRequest)),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(`libseccomp-export failed (${run.status}): ${run.stderr.trim()}`);
  }
  return z.array(Export).parse(JSON.parse(run.stdout)).map(toExport);
}

/** The filter without the rules libseccomp could not express (as reported by an export). */
export function withoutSkipped(
  filter: LibseccompFilter,
  exported: LibseccompExport,
): LibseccompFilter {
  const skipped = new Set(exported.skipped);
  return { ...filter, rules: filter.rules.filter((_, i) => !skipped.has(i)) };
}

const SyscallTable = z.record(z.string(), z.record(z.string(), z.number().int().nullable()));

/** libseccomp's number for each name on each arch (null: the arch has no such syscall). */
export function libseccompSyscallTable(
  arches: readonly LibseccompArch[],
  names: readonly string[],
): Record<string, Record<string, number | null>> {
  const run = spawnSync(SYSTEM_PYTHON, [findScript()], {
    input: JSON.stringify({ resolve: { arches, names } }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`libseccomp-export failed: ${run.stderr.trim()}`);
  return SyscallTable.parse(JSON.parse(run.stdout));
}

/**
 * Names our tables and libseccomp's number alike on every arch given (the kernel headers have
 * aliases libseccomp lacks, e.g. arm's sync_file_range2 for arm_sync_file_range).
 */
export function namesLibseccompAgreesOn(arches: readonly LibseccompArch[]): {
  readonly agreeing: readonly string[];
  readonly differing: readonly string[];
} {
  const ours = arches.flatMap((a) => {
    const arch = ourArch(a);
    return arch ? [[a, arch] as const] : [];
  });
  const names = [...new Set(ours.flatMap(([, arch]) => syscallNames(arch)))].sort();
  const theirs = libseccompSyscallTable(
    ours.map(([a]) => a),
    names,
  );
  const agrees = (name: string) =>
    ours.every(([a, arch]) => (theirs[a]?.[name] ?? undefined) === syscallNumber(arch, name));
  return { agreeing: names.filter(agrees), differing: names.filter((n) => !agrees(n)) };
}
