import { CompileError, compileResolved, type CompiledFilter } from '../bpf/compile';
import { opcodeExpression } from '../bpf/disasm-c';
import { describeProgram, hex, lineNumber } from '../bpf/disasm-text';
import { isConditionalJump } from '../bpf/encode';
import type { BpfInstruction } from '../bpf/program';
import { verifyProgram } from '../bpf/verify';
import type { Policy } from '../policy/model';
import type { CStep } from './c-unit';
import {
  CodeExportError,
  lineComment,
  type CodeExport,
  type CodeExportOptions,
} from './code-export';
import { launcherOnlyNotes, linuxCFile } from './linux-c-file';
import { linuxSteps } from './linux-c-layers';
import { seccompRange, seccompSource, type SeccompSource } from './seccomp-source';

/**
 * Export as Linux C (C23) without libraries: the layers of linux-c-layers.ts and the studio's own
 * compiled filter (app/bpf/compile.ts) as a `struct sock_filter` array, installed with
 * seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC). It is the very program check mode
 * decides with and enforce mode installs, so the kernel does what the studio predicted.
 */

function initializer(insn: BpfInstruction): string {
  const expression = opcodeExpression(insn.code);
  if (expression === undefined) {
    return `{ ${hex(insn.code, 2)}, ${insn.jt}, ${insn.jf}, ${hex(insn.k, 8)} }`;
  }
  if (isConditionalJump(insn.code) || insn.jt !== 0 || insn.jf !== 0) {
    return `BPF_JUMP(${expression}, ${hex(insn.k)}, ${insn.jt}, ${insn.jf})`;
  }
  return `BPF_STMT(${expression}, ${hex(insn.k)})`;
}

function filterArray(compiled: CompiledFilter): string {
  const texts = describeProgram(compiled.program, compiled.arch);
  const rows = compiled.program.map(
    (insn, pc) => `\t${initializer(insn)}, ${lineComment(`${lineNumber(pc)}: ${texts[pc] ?? ''}`)}`,
  );
  return [
    `/* linux.seccomp, compiled and verified by the studio: ${compiled.program.length} instructions. */`,
    'static struct sock_filter sandbox_filter[] = {',
    ...rows,
    '};',
  ].join('\n');
}

const INSTALL_WITH_TSYNC = [
  '/*',
  ' * SECCOMP_FILTER_FLAG_TSYNC: the filter is installed on every thread of the process at once,',
  ' * not only on the calling one. Without it, threads that exist already (started by a library,',
  ' * say) would go on unfiltered. If a thread cannot take the filter (it has installed a filter',
  " * of its own), the kernel installs nothing and returns that thread's id.",
  ' *',
  ' * Returns 0, -errno, or the id of the thread that could not be synchronized.',
  ' */',
  '[[nodiscard]] static long sandbox_install_filter(void)',
  '{',
  '\tstruct sock_fprog program = {',
  '\t\t.len = (unsigned short)(sizeof sandbox_filter / sizeof sandbox_filter[0]),',
  '\t\t.filter = sandbox_filter,',
  '\t};',
  '\tlong rc = syscall(SYS_seccomp, (unsigned long)SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,',
  '\t\t\t  &program);',
  '\tif (rc < 0)',
  '\t\treturn sandbox_fail(errno, "seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC)");',
  '\treturn rc;',
  '}',
  '',
  '[[nodiscard]] static int sandbox_apply_filter(void)',
  '{',
  '\tlong tid = sandbox_install_filter();',
  '\tif (tid <= 0)',
  '\t\treturn (int)tid;',
  '\t/* ESRCH is what the kernel reports for this with SECCOMP_FILTER_FLAG_TSYNC_ESRCH. */',
  '\tsnprintf(sandbox_message_text, sizeof sandbox_message_text,',
  '\t\t "seccomp: thread %ld has a filter of its own and could not be synchronized (TSYNC); no filter was installed",',
  '\t\t tid);',
  '\treturn -ESRCH;',
  '}',
].join('\n');

const INSTALL_CALLING_THREAD = [
  '/*',
  ' * Exported without SECCOMP_FILTER_FLAG_TSYNC: the filter binds the calling thread (and the',
  ' * threads and processes it starts afterwards) only. Threads that exist already go on',
  ' * unfiltered, so call sandbox_apply() before anything starts a thread.',
  ' */',
  '[[nodiscard]] static int sandbox_apply_filter(void)',
  '{',
  '\tstruct sock_fprog program = {',
  '\t\t.len = (unsigned short)(sizeof sandbox_filter / sizeof sandbox_filter[0]),',
  '\t\t.filter = sandbox_filter,',
  '\t};',
  '\tif (syscall(SYS_seccomp, (unsigned long)SECCOMP_SET_MODE_FILTER, 0UL, &program) != 0)',
  '\t\treturn sandbox_fail(errno, "seccomp(SECCOMP_SET_MODE_FILTER)");',
  '\treturn 0;',
  '}',
].join('\n');

function compile(source: SeccompSource): CompiledFilter {
  let compiled: CompiledFilter;
  try {
    compiled = compileResolved(source.resolved);
  } catch (error) {
    if (error instanceof CompileError) {
      throw new CodeExportError(error.message, seccompRange(source.seccomp));
    }
    throw error;
  }
  const verdict = verifyProgram(compiled.program);
  if (!verdict.ok) {
    const problems = verdict.errors.map((e) => e.message).join('; ');
    throw new Error(`internal error: the compiled filter does not verify: ${problems}`);
  }
  return compiled;
}

function filterStep(compiled: CompiledFilter, tsync: boolean): CStep {
  const arches = compiled.arches.join(', ');
  return {
    includes: ['stddef.h', 'sys/syscall.h', 'unistd.h', 'linux/filter.h', 'linux/seccomp.h'],
    definitions: [filterArray(compiled), tsync ? INSTALL_WITH_TSYNC : INSTALL_CALLING_THREAD],
    call: 'sandbox_apply_filter()',
    why: tsync
      ? 'The seccomp filter, on all threads (TSYNC).'
      : 'The seccomp filter, on this thread.',
    summary: tsync
      ? `seccomp filter for ${arches} (seccomp with SECCOMP_FILTER_FLAG_TSYNC)`
      : `seccomp filter for ${arches} (seccomp, calling thread only)`,
  };
}

/** The policy as Linux C; the program calls sandbox_apply(). TSYNC unless `tsync: false`. */
export function policyToLinuxC(policy: Policy, options: CodeExportOptions = {}): CodeExport {
  const source = seccompSource(policy);
  const compiled = source && compile(source);
  const steps = linuxSteps(policy.linux, compiled && filterStep(compiled, options.tsync ?? true));
  const notes = [...(source?.notes ?? []), ...launcherOnlyNotes(policy)];
  const text = linuxCFile({
    policy,
    steps,
    filterLines: compiled
      ? [
          '',
          "The filter is the studio's own compiled program, the one `sandbox-studio compile` prints",
          'and check mode decides with, so the kernel does what the studio predicted.',
        ]
      : [],
    ...(compiled && { arches: compiled.arches }),
    build: 'cc -std=c2x -Wall -Werror -c sandbox.c',
    notes,
  });
  return { language: 'c', text, notes };
}
