import { z } from 'zod';

/**
 * The Linux sandbox layers a launcher applies before execve, besides seccomp and no_new_privs.
 * The policy's `linux:` section is turned into this plan by pure code (app/); the launcher
 * (native-bridge/) applies it through koffi in a fixed order and reports each layer's result.
 * Every number here was resolved from the generated kernel tables, never typed by hand.
 * It crosses a process boundary as JSON, so 64-bit values are decimal strings.
 */

/** Per layer: when true, a failure is reported as a warning and the launch goes on. */
const bestEffort = { bestEffort: z.boolean().default(false) };

/** A u64 rlimit value in decimal, or `unlimited` (RLIM_INFINITY). */
export const RlimitValue = z.union([z.literal('unlimited'), z.string().regex(/^\d{1,20}$/)]);
export type RlimitValue = z.infer<typeof RlimitValue>;

export const RlimitPlan = z.object({
  /** The policy's name for it, e.g. `nofile`, for messages. */
  name: z.string(),
  /** RLIMIT_* number from the generated tables. */
  resource: z.number().int().nonnegative(),
  soft: RlimitValue,
  hard: RlimitValue,
  ...bestEffort,
});
export type RlimitPlan = z.infer<typeof RlimitPlan>;

const CapNumber = z.number().int().min(0).max(63);

/**
 * Capability keep-lists (numbers of CAP_*), libcap semantics: every set is replaced by exactly its
 * list; the bounding set drops everything not in `bounding`. Ambient capabilities must also be in
 * permitted and inheritable (the kernel's rule), which the planner checks.
 */
export const CapabilitiesPlan = z.object({
  effective: z.array(CapNumber),
  permitted: z.array(CapNumber),
  inheritable: z.array(CapNumber),
  ambient: z.array(CapNumber),
  bounding: z.array(CapNumber),
  ...bestEffort,
});
export type CapabilitiesPlan = z.infer<typeof CapabilitiesPlan>;

/** Switch to a user and group; names are resolved by the launcher from /etc/passwd and /etc/group. */
export const IdentityPlan = z.object({
  user: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  group: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  /** Supplementary groups; absent means "the user's groups from /etc/group", [] means none. */
  groups: z.array(z.union([z.string().min(1), z.number().int().nonnegative()])).optional(),
  ...bestEffort,
});
export type IdentityPlan = z.infer<typeof IdentityPlan>;

export const ChrootPlan = z.object({
  path: z.string().min(1),
  /** The working directory inside the new root; `/` when absent. */
  cwd: z.string().optional(),
  ...bestEffort,
});
export type ChrootPlan = z.infer<typeof ChrootPlan>;

/** A filesystem rule: LANDLOCK_ACCESS_FS_* bits allowed beneath `path`. */
export const LandlockPathRule = z.object({
  path: z.string().min(1),
  access: z.string().regex(/^\d{1,20}$/),
});
export const LandlockPlan = z.object({
  /**
   * The lowest Landlock ABI version the plan needs; the launcher handles the rights of the ABI it
   * detects (up to what the plan knows) and fails (or warns, best effort) when it is lower.
   */
  minAbi: z.number().int().min(1),
  /** LANDLOCK_ACCESS_FS_* bits the ruleset handles (denied unless a rule allows them). */
  handledFs: z.string().regex(/^\d{1,20}$/),
  /** LANDLOCK_ACCESS_NET_* bits the ruleset handles (ABI 4+); "0" for none. */
  handledNet: z.string().regex(/^\d{1,20}$/),
  paths: z.array(LandlockPathRule),
  netBind: z.array(z.number().int().min(0).max(65535)),
  netConnect: z.array(z.number().int().min(0).max(65535)),
  ...bestEffort,
});
export type LandlockPlan = z.infer<typeof LandlockPlan>;

export const NamespaceKind = z.enum(['user', 'pid', 'net', 'mount', 'ipc', 'uts']);
export type NamespaceKind = z.infer<typeof NamespaceKind>;

/** Namespaces are made by a stage before the launcher (Node cannot unshare a user namespace). */
export const NamespacesPlan = z.object({
  kinds: z.array(NamespaceKind).min(1),
  ...bestEffort,
});
export type NamespacesPlan = z.infer<typeof NamespacesPlan>;

export const LinuxLayerPlan = z.object({
  namespaces: NamespacesPlan.optional(),
  chroot: ChrootPlan.optional(),
  rlimits: z.array(RlimitPlan).default([]),
  landlock: LandlockPlan.optional(),
  identity: IdentityPlan.optional(),
  capabilities: CapabilitiesPlan.optional(),
});
export type LinuxLayerPlan = z.infer<typeof LinuxLayerPlan>;

/**
 * The order the launcher applies layers in, and why: chroot needs CAP_SYS_CHROOT and must see the
 * old root's paths; Landlock opens its rule paths before chroot hides them... see
 * native-bridge/linux/apply-layers.ts for the authoritative order and its reasons.
 */
export const LAYER_NAMES = [
  'namespaces',
  'landlock',
  'chroot',
  'rlimits',
  'identity',
  'capabilities',
  'no_new_privs',
  'seccomp',
] as const;
export type LayerName = (typeof LAYER_NAMES)[number];
