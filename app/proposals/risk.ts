import { DANGEROUS_SYSCALLS } from '../policy/dangerous-syscalls';
import { RISK_ORDER, type Risk, type RiskLevel } from './proposal';

/**
 * Syscalls that reach beyond the sandboxed program even when allowed exactly as observed: worth
 * a second look before accepting (medium). The dangerous ones (dangerous-syscalls.ts) are judged
 * by the editor's own dangerous-grant check on the edited policy instead.
 */
const SENSITIVE_SYSCALLS: Readonly<Record<string, string>> = {
  execve: 'starts other programs, which run under the same filter',
  execveat: 'starts other programs, which run under the same filter',
  kill: 'sends signals to any process of the same user',
  tkill: 'sends signals to any thread of the same user',
  tgkill: 'sends signals to any thread of the same user',
  pidfd_send_signal: 'sends signals to other processes',
  connect: 'connects to network or local sockets',
  bind: 'binds network or local addresses',
  listen: 'accepts connections from outside the sandbox',
  accept: 'accepts connections from outside the sandbox',
  accept4: 'accepts connections from outside the sandbox',
};

export function isDangerous(name: string): boolean {
  return Object.hasOwn(DANGEROUS_SYSCALLS, name);
}

/** Why allowing `name` deserves a look even when narrowed, or undefined. */
export function sensitiveReason(name: string): string | undefined {
  return Object.hasOwn(SENSITIVE_SYSCALLS, name)
    ? `${name} ${SENSITIVE_SYSCALLS[name]}`
    : undefined;
}

/** The highest level among the reasons given, low without any. */
export function riskOf(reasons: readonly { level: RiskLevel; reason: string }[]): Risk {
  const level = reasons.reduce<RiskLevel>(
    (worst, r) => (RISK_ORDER[r.level] > RISK_ORDER[worst] ? r.level : worst),
    'low',
  );
  const sorted = [...reasons].sort((a, b) => RISK_ORDER[b.level] - RISK_ORDER[a.level]);
  return { level, reasons: sorted.map((r) => r.reason) };
}
