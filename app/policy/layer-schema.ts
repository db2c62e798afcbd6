import { z } from 'zod';
import { CAPABILITY_NAMES, canonicalCapabilityName } from '../linux/capabilities';
import { RLIMIT_NAMES, rlimitDescription, takesSizes } from '../linux/rlimits';
import { NamespaceKind } from '../sandbox/layer-plan';
import { parseRlimitValue, softAboveHard, formatRlimitAmount } from './rlimit-values';
import { documented, emptyListHint, expected, issue, listHint } from './schema-support';
import { didYouMean } from './suggest';

/**
 * The zod schema of the Linux layers besides seccomp: rlimits, capabilities, user and groups,
 * chroot, Landlock, namespaces, and which of them are best effort. Like schema.ts it validates
 * the document as written; build-layers.ts makes the model and sandbox/plan.ts the launcher's
 * plan. Descriptions are the editor's hover text.
 */

/** The layers a policy may mark best effort: a failure to apply one is a warning. */
export const BEST_EFFORT_LAYERS = [
  'namespaces',
  'landlock',
  'chroot',
  'rlimits',
  'identity',
  'capabilities',
] as const;
export type BestEffortLayer = (typeof BEST_EFFORT_LAYERS)[number];

/** setresuid/setresgid read (uid_t)-1 as "leave unchanged", so the last usable id is one less. */
const MAX_ID = 2 ** 32 - 2;
const ID_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;

function absolutePath(what: string) {
  return (path: string, ctx: z.RefinementCtx) => {
    if (path.includes('\0'))
      issue(ctx, `${what} contains a NUL character`, { code: 'invalid-path' });
    else if (!path.startsWith('/')) {
      issue(ctx, `${what} must be an absolute path (starting with /), not "${path}"`, {
        code: 'invalid-path',
      });
    }
  };
}

// ---------------------------------------------------------------------------------------------
// rlimits

function checkAmount(name: string, value: unknown, ctx: z.RefinementCtx): void {
  const parsed = parseRlimitValue(name, value);
  if ('error' in parsed) issue(ctx, parsed.error, { code: 'invalid-rlimit' });
}

/** For editors: what a limit looks like (the refinements give the precise messages). */
function amountNumber() {
  return documented(z.number(), { type: 'integer', minimum: 0 });
}

function amountString(name: string) {
  const size = takesSizes(name) ? [{ pattern: '^[0-9]+ ?[kKmMgGtT](i?[bB])?$' }] : [];
  return documented(z.string(), {
    anyOf: [{ enum: ['unlimited'] }, { pattern: '^[0-9]+$' }, ...size],
  });
}

function amountSchema(name: string) {
  return z
    .union([amountNumber(), amountString(name)], {
      error: expected(`a number${takesSizes(name) ? ', a size such as 64M' : ''} or unlimited`),
    })
    .superRefine((value, ctx) => checkAmount(name, value, ctx));
}

function checkOrder(name: string, pair: { soft: unknown; hard: unknown }, ctx: z.RefinementCtx) {
  const soft = parseRlimitValue(name, pair.soft);
  const hard = parseRlimitValue(name, pair.hard);
  if ('error' in soft || 'error' in hard || !softAboveHard(soft.value, hard.value)) return;
  const [s, h] = [formatRlimitAmount(soft.value), formatRlimitAmount(hard.value)];
  issue(ctx, `the soft limit (${s}) is above the hard limit (${h}): setrlimit refuses that`, {
    code: 'rlimit-soft-above-hard',
  });
}

function rlimitSchema(name: string) {
  const pair = z.strictObject(
    { soft: amountSchema(name), hard: amountSchema(name) },
    { error: expected('a mapping with soft and hard') },
  );
  return documented(
    z
      .union([amountNumber(), amountString(name), pair], {
        error: expected('a limit (number, size or unlimited) or a mapping {soft, hard}'),
      })
      .superRefine((value, ctx) => {
        if (typeof value === 'object') checkOrder(name, value, ctx);
        else checkAmount(name, value, ctx);
      })
      .optional(),
    {
      description: `${rlimitDescription(name)} One value sets soft and hard; \`{soft, hard}\` sets them apart; \`unlimited\` is RLIM_INFINITY.`,
    },
  );
}

export const RlimitsSchema = documented(
  z.strictObject(Object.fromEntries(RLIMIT_NAMES.map((name) => [name, rlimitSchema(name)])), {
    error: expected('a mapping of limit names to values, e.g. { nofile: 64, as: 1G }'),
  }),
  {
    title: 'Resource limits',
    description:
      "setrlimit(2) limits set before exec, by name (RLIMIT_NOFILE is `nofile`). A value sets soft and hard limit alike: `{ nofile: 0, nproc: 0, fsize: 0 }` is OpenSSH's setrlimit sandbox. `{ soft: 1024, hard: 4096 }` sets them apart; `unlimited` means no limit. Byte limits take K, M, G, T (powers of 1024): `as: 1G`.",
  },
);

// ---------------------------------------------------------------------------------------------
// capabilities

const CAP_SETS = ['effective', 'permitted', 'inheritable', 'ambient', 'bounding'] as const;
export type CapabilitySetName = (typeof CAP_SETS)[number];
const SHORT_NAMES = CAPABILITY_NAMES.map((n) => n.slice('CAP_'.length));

function checkCapabilityName(name: string, ctx: z.RefinementCtx): void {
  if (canonicalCapabilityName(name) !== undefined) return;
  const bare = name.trim().toUpperCase().replace(/^CAP_/, '');
  issue(ctx, `unknown capability "${name}"${didYouMean(bare, SHORT_NAMES)}`, {
    code: 'unknown-capability',
  });
}

const CapabilityNameSchema = documented(
  z
    .string({ error: expected('a capability name such as NET_BIND_SERVICE') })
    .superRefine(checkCapabilityName),
  {
    description:
      'A capability, with or without the CAP_ prefix, in any case: `NET_BIND_SERVICE`, `CAP_NET_BIND_SERVICE`, `net_bind_service`.',
    anyOf: [{ enum: CAPABILITY_NAMES }, { type: 'string', pattern: '^[A-Za-z_]+$' }],
  },
);

function capabilityList(description: string) {
  return documented(
    z
      .array(CapabilityNameSchema, { error: expected('a list of capabilities', emptyListHint) })
      .optional(),
    { description },
  );
}

type CapabilitiesInput = Partial<Record<'keep' | CapabilitySetName, readonly string[]>>;

/** The kernel's rules between the sets, as errors on the entries that break them. */
function checkCapabilitySets(caps: CapabilitiesInput, ctx: z.RefinementCtx): void {
  if (caps.keep !== undefined) {
    for (const set of CAP_SETS.filter((s) => caps[s] !== undefined)) {
      issue(
        ctx,
        `"${set}" does not go with "keep": keep is the shorthand for effective, permitted and bounding; write either keep or the sets`,
        { code: 'capability-form', at: 'key' },
        [set],
      );
    }
    return;
  }
  const named = (set: CapabilitySetName) =>
    new Set((caps[set] ?? []).map((n) => canonicalCapabilityName(n)));
  const within: Partial<Record<CapabilitySetName, readonly CapabilitySetName[]>> = {
    effective: ['permitted'],
    ambient: ['permitted', 'inheritable'],
  };
  for (const [set, supersets] of Object.entries(within) as [
    CapabilitySetName,
    CapabilitySetName[],
  ][]) {
    const contents = supersets.map((s) => [s, named(s)] as const);
    (caps[set] ?? []).forEach((written, index) => {
      const name = canonicalCapabilityName(written);
      if (name === undefined) return;
      const missing = contents.filter(([, members]) => !members.has(name)).map(([s]) => s);
      if (missing.length === 0) return;
      issue(
        ctx,
        `${name} is ${set} but ${missing.length > 1 ? `in neither ${missing.join(' nor ')}` : `not ${missing[0]}`}: the kernel requires ${set} ⊆ ${supersets.join(' ∩ ')} (${set === 'effective' ? 'capset' : 'raising it'} fails with EPERM)`,
        { code: 'capability-sets' },
        [set, index],
      );
    });
  }
}

export const CapabilitiesSchema = documented(
  z
    .strictObject(
      {
        keep: capabilityList(
          'Keep exactly these in the effective, permitted and bounding sets; inheritable and ambient become empty. `keep: []` drops every capability, the bounding set included.',
        ),
        effective: capabilityList('The effective set (must be within permitted).'),
        permitted: capabilityList('The permitted set.'),
        inheritable: capabilityList('The inheritable set.'),
        ambient: capabilityList(
          'The ambient set (must be within permitted and inheritable); what a non-root program keeps across execve.',
        ),
        bounding: capabilityList(
          'The bounding set: every capability not listed is dropped from it for good.',
        ),
      },
      { error: expected('a mapping: { keep: [...] } or the sets effective, permitted, …') },
    )
    .superRefine(checkCapabilitySets),
  {
    title: 'Capabilities',
    description:
      'Capability sets the target starts with (libcap semantics: each set becomes exactly its list; an omitted set is empty). `{ keep: [NET_BIND_SERVICE] }` is the shorthand for effective, permitted and bounding. The long form lists `effective`, `permitted`, `inheritable`, `ambient`, `bounding`. A non-root program keeps only its ambient capabilities across execve.',
  },
);

// ---------------------------------------------------------------------------------------------
// identity

function checkId(kind: 'user' | 'group') {
  return (value: string | number, ctx: z.RefinementCtx) => {
    const text = String(value).trim();
    if (typeof value === 'number' || /^\d+$/.test(text)) {
      const id = Number(text);
      if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
        issue(ctx, `a ${kind} id is a whole number from 0 to ${MAX_ID}, not ${text}`, {
          code: 'invalid-id',
        });
      }
    } else if (!ID_NAME.test(text) || text.length > 256) {
      issue(ctx, `"${text}" is not a valid ${kind} name`, { code: 'invalid-id' });
    }
  };
}

function idSchema(kind: 'user' | 'group') {
  return z
    .union([z.string(), z.number()], { error: expected(`a ${kind} name or id`) })
    .superRefine(checkId(kind));
}

export const UserSchema = documented(idSchema('user').optional(), {
  title: 'User',
  description:
    "Run the target as this user: a name from /etc/passwd (resolved when the run starts) or a uid. Without `group`, the user's primary group; without `groups`, the user's groups from /etc/group.",
});
export const GroupSchema = documented(idSchema('group').optional(), {
  title: 'Group',
  description: 'The primary group: a name from /etc/group or a gid.',
});
export const GroupsSchema = documented(
  z.array(idSchema('group'), { error: expected('a list of groups', emptyListHint) }).optional(),
  {
    title: 'Supplementary groups',
    description:
      "The supplementary groups (setgroups), names or gids; `[]` for none. Default: the user's groups from /etc/group, or only `group` when no user is given.",
  },
);

// ---------------------------------------------------------------------------------------------
// chroot

export const ChrootSchema = documented(
  z
    .string({ error: expected('an absolute directory path') })
    .superRefine(absolutePath('chroot'))
    .optional(),
  {
    title: 'Change root',
    description:
      'chroot(2) into this directory before exec. `target.cwd` and `target.command[0]` are then paths inside the new root (cwd defaults to /). Landlock paths stay paths outside it: Landlock is set up first.',
  },
);

// ---------------------------------------------------------------------------------------------
// landlock

function pathList(description: string) {
  return documented(
    z
      .array(z.string({ error: expected('a path') }).superRefine(absolutePath('a Landlock path')), {
        error: expected('a list of absolute paths', (i) => emptyListHint(i) || listHint(i)),
      })
      .optional(),
    { description },
  );
}

function portList(description: string) {
  return documented(
    z
      .array(
        z
          .number({ error: expected('a TCP port number') })
          .int({ error: 'a port is a whole number from 0 to 65535' })
          .min(0, { error: 'a port is a whole number from 0 to 65535' })
          .max(65535, { error: 'a port is a whole number from 0 to 65535' }),
        { error: expected('a list of TCP ports', emptyListHint) },
      )
      .optional(),
    { description },
  );
}

const LANDLOCK_KEYS = ['read', 'write', 'execute', 'net_bind', 'net_connect'] as const;

export const LandlockSchema = documented(
  z
    .strictObject(
      {
        read: pathList(
          'Read files and list directories beneath these paths (READ_FILE, READ_DIR).',
        ),
        write: pathList(
          'Write, truncate, create, remove, link and rename beneath these paths (WRITE_FILE, REMOVE_*, MAKE_*, REFER, TRUNCATE, IOCTL_DEV as the kernel supports them). Reading needs `read` too.',
        ),
        execute: pathList('Execute files beneath these paths (EXECUTE).'),
        net_bind: portList(
          'TCP ports the target may bind; with this key the ruleset handles binding, so `[]` forbids it. Needs Landlock ABI 4 (Linux 6.7).',
        ),
        net_connect: portList(
          'TCP ports the target may connect to; with this key the ruleset handles connecting, so `[]` forbids it. Needs Landlock ABI 4 (Linux 6.7).',
        ),
      },
      { error: expected('a mapping with read, write, execute, net_bind and net_connect') },
    )
    .superRefine((landlock, ctx) => {
      if (LANDLOCK_KEYS.some((k) => landlock[k] !== undefined)) return;
      issue(ctx, `say what Landlock allows: ${LANDLOCK_KEYS.join(', ')}`, {
        code: 'empty-landlock',
      });
    }),
  {
    title: 'Landlock',
    description:
      'Unprivileged access control set up before exec. With any of `read`, `write`, `execute` the ruleset handles every file system right the kernel knows, so what is not granted beneath a listed path is denied (`read: []` denies all file access). `net_bind`/`net_connect` restrict TCP ports (ABI 4+). Paths are outside any `chroot`.',
  },
);

// ---------------------------------------------------------------------------------------------
// namespaces and best effort

const NAMESPACE_ALIASES: Readonly<Record<string, string>> = {
  mnt: 'mount',
  ns: 'mount',
  network: 'net',
  process: 'pid',
  hostname: 'uts',
  usr: 'user',
};
const UNSUPPORTED_NAMESPACES = ['cgroup', 'time'];

function checkNamespace(name: string, ctx: z.RefinementCtx): void {
  const kinds = NamespaceKind.options;
  if ((kinds as readonly string[]).includes(name)) return;
  const alias = NAMESPACE_ALIASES[name.toLowerCase()];
  const message = alias
    ? `unknown namespace "${name}"; this is called ${alias} here`
    : UNSUPPORTED_NAMESPACES.includes(name)
      ? `the ${name} namespace is not supported (supported: ${kinds.join(', ')})`
      : `unknown namespace "${name}"${didYouMean(name, kinds)} (supported: ${kinds.join(', ')})`;
  issue(ctx, message, { code: 'unknown-namespace' });
}

export const NamespacesSchema = documented(
  z
    .array(
      documented(z.string({ error: expected('a namespace name') }).superRefine(checkNamespace), {
        enum: [...NamespaceKind.options],
      }),
      { error: expected('a list of namespaces', (i) => emptyListHint(i) || listHint(i)) },
    )
    .optional(),
  {
    title: 'Namespaces',
    description: `New namespaces for the target (${NamespaceKind.options.join(', ')}), made by a stage before the launcher: a Node process cannot unshare a user namespace.`,
  },
);

function checkBestEffortLayer(name: string, ctx: z.RefinementCtx): void {
  if ((BEST_EFFORT_LAYERS as readonly string[]).includes(name)) return;
  const known = `(layers: ${BEST_EFFORT_LAYERS.join(', ')})`;
  const message = ['user', 'group', 'groups'].includes(name)
    ? `user, group and groups are one layer: write "identity" ${known}`
    : ['seccomp', 'no_new_privs'].includes(name)
      ? `${name} cannot be best effort: a run without it would not be the sandbox the policy describes ${known}`
      : `unknown layer "${name}"${didYouMean(name, BEST_EFFORT_LAYERS)} ${known}`;
  issue(ctx, message, { code: 'unknown-layer' });
}

export const BestEffortSchema = documented(
  z
    .array(
      documented(z.string({ error: expected('a layer name') }).superRefine(checkBestEffortLayer), {
        enum: [...BEST_EFFORT_LAYERS],
      }),
      { error: expected('a list of layer names', listHint) },
    )
    .optional(),
  {
    title: 'Best-effort layers',
    description: `Layers whose failure to apply is a warning instead of stopping the run, e.g. \`[landlock, namespaces]\` on kernels or containers that may lack them. Layers: ${BEST_EFFORT_LAYERS.join(', ')} (identity is user, group and groups). seccomp and no_new_privs are never best effort.`,
  },
);

// ---------------------------------------------------------------------------------------------
// what only the program itself can do

export const DumpableSchema = documented(
  z.boolean({ error: expected('true or false') }).optional(),
  {
    title: 'Dumpable',
    description:
      '`false`: no core dumps and no ptrace by the same user (PR_SET_DUMPABLE 0). execve resets this flag, so it cannot be imposed from outside: the program must set it itself; Export → C generates the call. Runs in the studio leave the target dumpable.',
  },
);

export const SeccompStrictSchema = documented(
  z.boolean({ error: expected('true or false') }).optional(),
  {
    title: 'Seccomp strict mode',
    description:
      '`true`: SECCOMP_MODE_STRICT, only read, write, _exit and sigreturn. It would kill the execve that starts the target, so the program must enter it itself once set up; Export → C generates the call. Runs in the studio do not apply it.',
  },
);
