import { z } from 'zod';

/**
 * Events about the target's own sandbox (learn and check mode), for auditing third-party
 * programs: `self-sandbox` when the target sandboxes itself (a seccomp filter read back from its
 * memory, no_new_privs, dumpable, capabilities, rlimits, Landlock), and `sandbox-state` with
 * every thread's final seccomp/no_new_privs/capability state from /proc.
 */

/** What a self-sandboxing call does (app/trace/self-sandbox.ts decodes the calls). */
export const SelfSandboxKind = z.enum([
  'seccomp-filter',
  'seccomp-strict',
  'no-new-privs',
  'dumpable',
  'capbset-drop',
  'cap-ambient',
  'securebits',
  'rlimit',
  'capset',
  'landlock-restrict',
]);

/** A seccomp filter the target installs, as read from its memory. */
export const SelfSandboxFilter = z.object({
  /** Number of instructions. */
  length: z.number().int().nonnegative(),
  /** seccomp-tools style listing (app/bpf/disasm.ts). */
  disassembly: z.string(),
  /** The filter as policy YAML (app/bpf/decompile.ts), when it decompiles. */
  decompiled: z.string().optional(),
  /** One line: arches, default action, syscalls per action. */
  policySummary: z.string().optional(),
  /** Why it did not decompile (too complex, …). */
  decompileError: z.string().optional(),
  /** What the decompiled policy cannot say exactly. */
  decompileWarnings: z.array(z.string()).optional(),
  /** Present when the kernel would refuse the filter (the call then fails with EINVAL). */
  verifyErrors: z.array(z.string()).optional(),
});

export const SelfSandboxEvent = z.object({
  type: z.literal('self-sandbox'),
  t: z.number().nonnegative(),
  pid: z.number().int(),
  tid: z.number().int(),
  kind: SelfSandboxKind,
  /** The call with named arguments, e.g. `prctl(PR_SET_NO_NEW_PRIVS, 1)`. */
  call: z.string(),
  /** What the target asks for, in words. */
  summary: z.string(),
  /** seccomp filter flags by name (SECCOMP_FILTER_FLAG_TSYNC, …). */
  flags: z.array(z.string()),
  filter: SelfSandboxFilter.optional(),
  /** Why the filter (or the limit) could not be read from the target's memory. */
  unreadable: z.string().optional(),
  /** E.g. a filter without TSYNC in a process with several threads. */
  warning: z.string().optional(),
});

const capabilityMask = z.string().regex(/^[0-9a-f]{16}$/);

export const ThreadSandboxState = z.object({
  tid: z.number().int(),
  name: z.string(),
  seccomp: z.enum(['disabled', 'strict', 'filter']).optional(),
  seccompFilters: z.number().int().nonnegative().optional(),
  noNewPrivs: z.boolean().optional(),
  /** Masks as /proc shows them (16 hex digits); app/linux/proc-status.ts names the bits. */
  capabilities: z.object({
    inheritable: capabilityMask,
    permitted: capabilityMask,
    effective: capabilityMask,
    bounding: capabilityMask,
    ambient: capabilityMask.optional(),
  }),
});

export const SandboxStateEvent = z.object({
  type: z.literal('sandbox-state'),
  t: z.number().nonnegative(),
  pid: z.number().int(),
  threads: z.array(ThreadSandboxState),
});

export type SelfSandboxKind = z.infer<typeof SelfSandboxKind>;
export type SelfSandboxFilter = z.infer<typeof SelfSandboxFilter>;
export type SelfSandboxEvent = z.infer<typeof SelfSandboxEvent>;
export type ThreadSandboxState = z.infer<typeof ThreadSandboxState>;
export type SandboxStateEvent = z.infer<typeof SandboxStateEvent>;
