import { z } from 'zod';
import { LinuxLayerPlan } from '../app/sandbox/layer-plan';

/**
 * What the supervisor asks the launcher to do, sent as one JSON line on the control socket (fd 3).
 * `filter` is the encoded `struct sock_filter` array in base64; it was verified before sending.
 */
export const LaunchSpec = z.object({
  path: z.string().min(1),
  argv: z.array(z.string()).min(1),
  env: z.record(z.string(), z.string()),
  cwd: z.string().optional(),
  noNewPrivs: z.boolean(),
  filter: z.string().optional(),
  /** Install the filter with SECCOMP_FILTER_FLAG_NEW_LISTENER (learn and check modes). */
  listener: z.boolean(),
  /** Install the filter with SECCOMP_FILTER_FLAG_LOG (enforce mode: denials reach the audit log). */
  log: z.boolean().optional(),
  /**
   * The Linux layers besides seccomp and no_new_privs, applied by native-bridge/linux/layers in the
   * order apply-layers.ts documents. With a chroot, `cwd` is a directory inside the new root.
   */
  layers: LinuxLayerPlan.optional(),
});
export type LaunchSpec = z.infer<typeof LaunchSpec>;

/** Messages from the launcher to the supervisor, one JSON line each. */
export type LauncherMessage =
  | { kind: 'applied'; layer: string; detail?: string }
  /** A best-effort layer failed: the launch goes on without it (or with part of it). */
  | { kind: 'warning'; layer: string; message: string; errno?: number; errnoName?: string }
  | { kind: 'installing-filter' }
  | { kind: 'error'; layer: string; message: string; errno?: number; errnoName?: string };

/** The control socket is the launcher's fd 3 (a socketpair made by child_process.spawn). */
export const CONTROL_FD = 3;
