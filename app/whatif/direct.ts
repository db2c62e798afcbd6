import { BpfExecutionError, runFilter } from '../bpf/emulate';
import type { BpfProgram, SeccompData } from '../bpf/program';
import type { TraceEvent } from '../trace/events';
import { argumentWordsRead } from './argument-words';
import { auditArchOfLabel, IP_WORDS, syscallWord } from './event-data';
import { classifyOutcome, observedOutcome, VERDICT, type VerdictCode } from './verdicts';

const HEX_U64 = /^0x[0-9a-f]{1,16}$/i;

/** The event's `seccomp_data`, or undefined when the event cannot be judged. */
function seccompDataOf(event: Extract<TraceEvent, { type: 'syscall' | 'denied' }>) {
  const arch = auditArchOfLabel(event.arch);
  const nr = syscallWord(event.nr);
  if (arch === undefined || nr === undefined) return undefined;
  if (event.args.length === 0) return { nr, arch, args: undefined };
  if (event.args.length !== 6 || !event.args.every((a) => HEX_U64.test(a))) return undefined;
  const args = event.args.map((a) => BigInt(a)) as unknown as SeccompData['args'];
  return { nr, arch, args };
}

const ipReaders = new WeakMap<BpfProgram, Map<string, boolean>>();

function readsIp(program: BpfProgram, nr: number, arch: number): boolean {
  let known = ipReaders.get(program);
  if (!known) ipReaders.set(program, (known = new Map()));
  const key = `${arch}:${nr}`;
  let reads = known.get(key);
  if (reads === undefined) {
    reads = argumentWordsRead(program, nr, arch).some((w) => IP_WORDS.includes(w));
    known.set(key, reads);
  }
  return reads;
}

/**
 * The what-if verdict of one event, by running the filter on it: the reference the indexed
 * evaluation (TraceEvaluation + EventVerdicts) must agree with, and what it is measured against.
 */
export function judgeEventDirectly(program: BpfProgram, event: TraceEvent): VerdictCode {
  if (event.type !== 'syscall' && event.type !== 'denied') return VERDICT.none;
  const data = seccompDataOf(event);
  if (!data) return VERDICT.unknown;
  const zeros: SeccompData['args'] = [0n, 0n, 0n, 0n, 0n, 0n];
  try {
    const run = runFilter(program, {
      nr: data.nr,
      arch: data.arch,
      instructionPointer: 0n,
      args: data.args ?? zeros,
    });
    // Without arguments (an audit record), only a verdict that ignores them is known; no event
    // records the instruction pointer.
    if (run.readsArguments && (data.args === undefined || readsIp(program, data.nr, data.arch))) {
      return VERDICT.unknown;
    }
    return classifyOutcome(observedOutcome(event), run.ret);
  } catch (error) {
    if (error instanceof BpfExecutionError) return VERDICT.unknown;
    throw error;
  }
}
