import { decodeReturnValue } from '../../app/bpf/actions';
import { errnoByName } from '../../app/linux/errno';
import { signalNumber } from '../../app/linux/signals';
import type { KernelOutcome } from './kernel-probe';

function known(value: number | undefined, name: string): number {
  if (value === undefined) throw new Error(`${name} is missing from the generated tables`);
  return value;
}

const ENOSYS = known(errnoByName('ENOSYS')?.value, 'ENOSYS');
const SIGSYS = known(signalNumber('SIGSYS'), 'SIGSYS');

/**
 * Whether what the kernel did fits a filter's return value. `implemented` says whether the
 * syscall exists for that ABI on this kernel and succeeds with any arguments (getpid and the
 * like); an allowed unknown number fails with ENOSYS, as do notify and trace without a listener
 * or tracer. Both kills show as death by SIGSYS in a single-threaded child.
 */
export function outcomeFits(ret: number, outcome: KernelOutcome, implemented: boolean): boolean {
  const action = decodeReturnValue(ret);
  switch (action.kind) {
    case 'allow':
    case 'log':
      return (
        outcome.kind === 'returned' &&
        (implemented ? outcome.errno === 0 && outcome.value >= 0n : outcome.errno === ENOSYS)
      );
    case 'errno':
      return outcome.kind === 'returned' && outcome.value === -1n && outcome.errno === action.errno;
    case 'trap':
      return outcome.kind === 'trapped' && outcome.data === action.data;
    case 'notify':
    case 'trace':
      return outcome.kind === 'returned' && outcome.errno === ENOSYS;
    case 'kill-process':
    case 'kill-thread':
      return outcome.kind === 'killed' && outcome.signal === SIGSYS;
    default:
      return false;
  }
}
