import { actionOf } from '../../app/bpf/decompile-actions';
import { listingLine } from '../../app/bpf/disasm';
import { describeProgram, hex } from '../../app/bpf/disasm-text';
import { traceFilter } from '../../app/bpf/disasm-trace';
import type { SeccompData } from '../../app/bpf/program';
import { archInfo } from '../../app/linux/arches';
import { displaySyscallName, syscallNumber, type Arch } from '../../app/linux/syscalls';
import { formatAction } from '../../app/policy/actions';
import { CliError, EXIT_OK, EXIT_USAGE } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { compileLoadedPolicy } from './policy-compile';
import { loadPolicy } from './policy-input';

export interface SimulateOptions {
  readonly policy: string;
  readonly nr: string;
  readonly args: readonly bigint[];
  /** The ABI making the call; default the policy's first arch. Others get bad_arch. */
  readonly arch?: Arch;
  readonly trace: boolean;
}

const NUMBER = /^(0x[0-9a-f]+|[0-9]+)$/i;

function syscallNr(text: string, arch: Arch): number {
  if (NUMBER.test(text)) {
    const nr = Number(text);
    if (nr <= 0xffffffff) return nr;
    throw new CliError(`--nr ${text} does not fit in 32 bits`, EXIT_USAGE);
  }
  const nr = syscallNumber(arch, text);
  if (nr === undefined) throw new CliError(`${arch} has no syscall named ${text}`, EXIT_USAGE);
  return nr;
}

/**
 * `simulate`: runs the policy's compiled filter on one syscall, as the kernel would, and prints
 * the verdict and how many instructions it took (with --trace, the listing lines it executed).
 */
export async function simulateCommand(options: SimulateOptions, io: CliIo): Promise<number> {
  const loaded = await loadPolicy(options.policy);
  const { compiled, notes } = compileLoadedPolicy(loaded);
  writeLines(io.stderr, [...new Set([...loaded.notes, ...notes])]);
  const arch = options.arch ?? compiled.arch;
  const nr = syscallNr(options.nr, arch);
  const args = [0, 1, 2, 3, 4, 5].map((i) => options.args[i] ?? 0n);
  const data: SeccompData = {
    nr,
    arch: archInfo(arch).auditArch,
    instructionPointer: 0n,
    args: args as unknown as SeccompData['args'],
  };
  const { program } = compiled;
  const run = traceFilter(program, data);
  if (options.trace) {
    const texts = describeProgram(program, compiled.arch);
    const lines = run.path.flatMap((pc) => {
      const insn = program[pc];
      return insn ? [listingLine(insn, pc, texts[pc] ?? '')] : [];
    });
    writeLines(io.stdout, lines);
  }
  const call = `${displaySyscallName(arch, nr)}(${args.map((a) => `0x${a.toString(16)}`).join(', ')})`;
  const verdict = formatAction(actionOf(run.ret).action);
  writeLines(io.stdout, [
    `${arch} ${call}: ${verdict} (return value ${hex(run.ret, 8)})`,
    `${run.path.length} instructions executed`,
  ]);
  return EXIT_OK;
}
