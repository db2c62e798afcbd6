import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeProgram } from '../../app/bpf/encode';
import type { BpfProgram } from '../../app/bpf/program';

/**
 * The real kernel as an oracle: run-filtered-syscall.c installs a filter in a child, makes one
 * syscall and reports what happened. Needs a C compiler (`cc`) and Linux on x86_64.
 */

export type KernelOutcome =
  | { readonly kind: 'returned'; readonly value: bigint; readonly errno: number }
  | { readonly kind: 'trapped'; readonly data: number; readonly nr: number }
  | { readonly kind: 'killed'; readonly signal: number };

export type SyscallAbi = '64' | '32';

export interface KernelProbe {
  run(filter: BpfProgram, abi: SyscallAbi, nr: number, args: readonly bigint[]): KernelOutcome;
}

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'run-filtered-syscall.c');

function parseOutcome(line: string): KernelOutcome {
  const [kind, a = '', b = ''] = line.trim().split(/\s+/);
  if (kind === 'returned') return { kind, value: BigInt(a), errno: Number(b) };
  if (kind === 'trapped') return { kind, data: Number(a), nr: Number(b) };
  if (kind === 'killed') return { kind, signal: Number(a) };
  throw new Error(`run-filtered-syscall printed "${line}"`);
}

/** Compiles the probe into a temp dir (the int $0x80 asm needs a frame pointer and no red zone). */
export function buildKernelProbe(): KernelProbe {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-probe-'));
  const binary = join(dir, 'run-filtered-syscall');
  execFileSync('cc', [
    '-O1',
    '-Wall',
    '-Werror',
    '-fno-omit-frame-pointer',
    '-mno-red-zone',
    '-o',
    binary,
    SOURCE,
  ]);
  let count = 0;
  return {
    run(filter, abi, nr, args) {
      const file = join(dir, `filter-${count++}.bpf`);
      writeFileSync(file, encodeProgram(filter));
      const argv = [0, 1, 2, 3, 4, 5].map((i) => `0x${(args[i] ?? 0n).toString(16)}`);
      const out = execFileSync(binary, [file, abi, String(nr >>> 0), ...argv], {
        encoding: 'utf8',
      });
      return parseOutcome(out);
    },
  };
}
