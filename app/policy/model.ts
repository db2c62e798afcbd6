import type { Arch } from '../linux/syscalls';
import type { SourceRange } from './source-range';

/**
 * What the seccomp filter does with a syscall. `errno` carries the number the kernel returns;
 * `name` keeps the spelling the user wrote so the text can be regenerated faithfully.
 */
export type SeccompAction =
  | { readonly kind: 'kill-process' }
  | { readonly kind: 'kill-thread' }
  | { readonly kind: 'trap' }
  | { readonly kind: 'errno'; readonly errno: number }
  | { readonly kind: 'log' }
  | { readonly kind: 'allow' }
  | { readonly kind: 'notify' };

export interface SyscallRef {
  readonly name: string;
  readonly range: SourceRange;
}

/** One entry of `linux.seccomp.rules`: an action for a list of syscalls. First match wins. */
export interface SyscallRule {
  readonly action: SeccompAction;
  readonly syscalls: readonly SyscallRef[];
  readonly range: SourceRange;
}

export interface SeccompPolicy {
  readonly arch: readonly Arch[];
  readonly defaultAction: SeccompAction;
  readonly rules: readonly SyscallRule[];
}

export interface TargetSpec {
  readonly command: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface LinuxPolicy {
  readonly noNewPrivs: boolean;
  readonly seccomp?: SeccompPolicy;
}

/** The parsed, validated policy. Source ranges let every later stage point back at the text. */
export interface Policy {
  readonly version: 1;
  readonly name?: string;
  readonly target?: TargetSpec;
  readonly linux: LinuxPolicy;
}
