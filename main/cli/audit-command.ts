import { decompile, DecompileError } from '../../app/bpf/decompile';
import { disassemble } from '../../app/bpf/disasm';
import { describePosture } from '../../app/audit/posture';
import { dumpSeccompFilters } from '../../native-bridge/linux/ptrace-filter';
import { readProcessPosture } from '../../native-bridge/linux/process-posture';
import { CliError, EXIT_OK, EXIT_USAGE } from './cli-error';
import { writeLines, type CliIo } from './cli-io';

export interface AuditOptions {
  readonly pid: number;
  readonly json: boolean;
}

/** What the filters section says when they cannot be read, with the privilege that is missing. */
function whyUnreadable(step: string, errnoName: string | undefined): string {
  if (errnoName === 'EPERM' || errnoName === 'EACCES') {
    return `reading the filters needs CAP_SYS_ADMIN (and ptrace access to the process): ${step} failed with ${errnoName}`;
  }
  return `${step} failed${errnoName ? ` with ${errnoName}` : ''}`;
}

/**
 * `audit PID`: a running process's sandbox posture from /proc, and its seccomp filters read with
 * PTRACE_SECCOMP_GET_FILTER, disassembled and decompiled into an editable policy.
 */
export async function auditCommand(options: AuditOptions, io: CliIo): Promise<number> {
  const posture = readProcessPosture(options.pid);
  if (!posture) throw new CliError(`no process ${options.pid}`, EXIT_USAGE);
  const anyFilter = posture.threads.some((t) => t.seccomp === 'filter');
  const dump = anyFilter ? dumpSeccompFilters(options.pid) : { ok: true as const, filters: [] };
  const filters = dump.ok
    ? dump.filters.map((program, index) => {
        let policy: string | undefined;
        let error: string | undefined;
        try {
          policy = decompile(program, {
            source: `filter ${index} of process ${options.pid}`,
          }).policyText;
        } catch (e) {
          if (!(e instanceof DecompileError)) throw e;
          error = e.message;
        }
        return { index, length: program.length, disassembly: disassemble(program), policy, error };
      })
    : [];
  const unreadable = dump.ok ? undefined : whyUnreadable(dump.step, dump.message.split(': ').pop());
  if (options.json) {
    const json = JSON.stringify(
      { posture, filters, ...(unreadable ? { filtersUnreadable: unreadable } : {}) },
      (_, value: unknown) => (typeof value === 'bigint' ? `0x${value.toString(16)}` : value),
      2,
    );
    io.stdout(`${json}\n`);
    return EXIT_OK;
  }
  writeLines(io.stdout, describePosture(posture));
  if (!anyFilter) writeLines(io.stdout, ['seccomp filters: none']);
  if (unreadable) writeLines(io.stdout, [`seccomp filters: ${unreadable}`]);
  for (const f of filters) {
    writeLines(io.stdout, [
      '',
      `seccomp filter ${f.index} (${f.length} instructions; index 0 runs first):`,
      f.disassembly.trimEnd(),
      '',
      f.policy ? f.policy.trimEnd() : `(not decompiled: ${f.error ?? 'unknown reason'})`,
    ]);
  }
  return EXIT_OK;
}
