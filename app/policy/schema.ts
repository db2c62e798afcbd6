import { z } from 'zod';
import { errnoNames, MAX_ERRNO } from '../linux/errno';
import { SUPPORTED_ARCHES, type Arch } from '../linux/syscalls';
import { ACTION_KINDS, ACTION_SYNTAX, isActionError, parseAction, parseErrno } from './actions';
import { parseCondition } from './condition-check';
import { conditionConstants } from './condition-syntax';
import {
  ANY_ARCH_SYSCALLS,
  constantsOnAnyArch,
  GROUP_NAMES,
  groupSyscalls,
  isSyscallOnAnyArch,
  unevaluatedEverywhere,
} from './linux-names';
import { POLICY_INTENTS } from './intents';
import {
  BestEffortSchema,
  CapabilitiesSchema,
  ChrootSchema,
  DumpableSchema,
  GroupSchema,
  GroupsSchema,
  LandlockSchema,
  NamespacesSchema,
  RlimitsSchema,
  SeccompStrictSchema,
  UserSchema,
} from './layer-schema';
import { documented, emptyListHint, expected, issue, listHint, quoteHint } from './schema-support';
import { FreeBsdSchema } from './freebsd-schema';
import { WindowsSchema } from './windows-schema';
import { didYouMean } from './suggest';

export { policyMetadata, type PolicyIssueParams } from './schema-support';

/**
 * The zod schema of a `*.sandbox.yaml` document, as written (before defaults become the model).
 * It is the single source of truth for validation (parse.ts maps issues back to YAML nodes) and
 * for the JSON Schema editors use (json-schema.ts), so descriptions here are what hover shows.
 *
 * Content checks (syscall names, errno names, action strings, rule shape) are refinements that
 * raise `custom` issues carrying a diagnostic `code` in `params`; see {@link PolicyIssueParams}.
 */

/** Names people use for the supported arches, and other arches seccomp knows. */
const ARCH_ALIASES: Readonly<Record<string, Arch>> = {
  amd64: 'x86_64',
  'x86-64': 'x86_64',
  x86: 'i386',
  i686: 'i386',
  ia32: 'i386',
  arm64: 'aarch64',
  armhf: 'arm',
  armel: 'arm',
  riscv: 'riscv64',
};
const OTHER_ARCHES = ['ppc64le', 'ppc64', 's390x', 'mips', 'mips64', 'loongarch64'];

function checkSyscallName(name: string, ctx: z.RefinementCtx): void {
  if (name.startsWith('@')) {
    if (groupSyscalls(name) === undefined) {
      issue(ctx, `unknown syscall group "${name}"${didYouMean(name, GROUP_NAMES)}`, {
        code: 'unknown-group',
      });
    }
  } else if (!isSyscallOnAnyArch(name)) {
    const hint = GROUP_NAMES.includes(`@${name}`) ? `; for the group write "@${name}"` : '';
    issue(ctx, `unknown syscall "${name}"${didYouMean(name, ANY_ARCH_SYSCALLS)}${hint}`, {
      code: 'unknown-syscall',
    });
  }
}

/** Syntax, and constants no arch defines; what differs per arch is checked in resolve.ts. */
function checkCondition(text: string, ctx: z.RefinementCtx): void {
  const { expr, errors } = parseCondition(text);
  for (const e of errors) {
    issue(ctx, e.message, { code: e.code, span: [e.range.start.offset, e.range.end.offset] });
  }
  for (const constant of expr ? conditionConstants(expr) : []) {
    if (constantsOnAnyArch().has(constant.name)) continue;
    const reason = unevaluatedEverywhere(constant.name);
    const message = reason
      ? `constant ${constant.name} has no value on any supported arch: ${reason}`
      : `unknown constant "${constant.name}"${didYouMean(constant.name, constantsOnAnyArch())}`;
    const span = [constant.range.start.offset, constant.range.end.offset] as const;
    issue(ctx, message, { code: 'unknown-constant', span });
  }
}

function checkIntent(name: string, ctx: z.RefinementCtx): void {
  if (Object.hasOwn(POLICY_INTENTS, name)) return;
  const known = Object.keys(POLICY_INTENTS);
  issue(ctx, `unknown intent "${name}"${didYouMean(name, known)} (known: ${known.join(', ')})`, {
    code: 'unknown-intent',
  });
}

function checkAction(text: string, ctx: z.RefinementCtx): void {
  const action = parseAction(text);
  if (isActionError(action)) issue(ctx, action.error, { code: action.code });
}

function checkErrno(value: string | number, ctx: z.RefinementCtx): void {
  const errno = parseErrno(value);
  if (isActionError(errno)) issue(ctx, errno.error, { code: errno.code });
}

function checkArch(name: string, ctx: z.RefinementCtx): void {
  if ((SUPPORTED_ARCHES as readonly string[]).includes(name)) return;
  const supported = `(supported: ${SUPPORTED_ARCHES.join(', ')})`;
  const alias = ARCH_ALIASES[name.toLowerCase()];
  const message = alias
    ? `unknown architecture "${name}"; this is called ${alias} here ${supported}`
    : OTHER_ARCHES.includes(name)
      ? `architecture ${name} is not supported yet ${supported}`
      : `unknown architecture "${name}"${didYouMean(name, SUPPORTED_ARCHES)} ${supported}`;
  issue(ctx, message, { code: 'unsupported-arch' });
}

export const SyscallNameSchema = documented(
  z.string({ error: expected('a syscall name', quoteHint) }).superRefine(checkSyscallName),
  {
    id: 'syscallName',
    title: 'Syscall name or group',
    description:
      'A system call by its kernel name, e.g. `openat`, or one of systemd\'s groups, e.g. `@basic-io` (quote it: "@basic-io"). A name the policy\'s arches do not all have applies where they do.',
    enum: [...GROUP_NAMES, ...ANY_ARCH_SYSCALLS],
  },
);

export const SyscallListSchema = documented(
  z.union([SyscallNameSchema, z.array(SyscallNameSchema)], {
    error: expected('a syscall name or a list of syscall names'),
  }),
  { id: 'syscallList', description: 'One syscall name, or a list of them: `[read, write]`.' },
);

export const ActionSchema = documented(
  z.string({ error: expected('an action string') }).superRefine(checkAction),
  {
    id: 'action',
    title: 'Seccomp action',
    description: `What the filter does with a syscall: ${ACTION_SYNTAX.join(', ')}. \`errno\` makes the syscall fail with that error without running it; \`trap\` sends SIGSYS (N in si_errno); \`trace N\` stops for a ptrace tracer (ENOSYS without one); \`log\` allows and logs; \`notify\` hands it to the supervisor.`,
    anyOf: [
      {
        enum: [
          ...ACTION_KINDS.filter((k) => k !== 'errno' && k !== 'trace'),
          ...errnoNames().map((n) => `errno ${n}`),
        ],
      },
      { pattern: `^errno [1-9][0-9]{0,3}$` },
      { pattern: `^(trap|trace) (0|[1-9][0-9]{0,4}|0x[0-9a-fA-F]{1,4})$` },
    ],
  },
);

export const ErrnoSchema = documented(
  z.union(
    [
      documented(z.string().superRefine(checkErrno), { enum: [...errnoNames()] }),
      documented(z.number().superRefine(checkErrno), {
        type: 'integer',
        minimum: 1,
        maximum: MAX_ERRNO,
      }),
    ],
    { error: expected(`an errno name (EACCES) or a number 1..${MAX_ERRNO}`) },
  ),
  {
    title: 'Errno',
    description: `The error the denied syscalls return: a name such as \`EACCES\` or a number 1..${MAX_ERRNO}.`,
  },
);

type RuleInput = Readonly<Record<string, unknown>>;
const RULE_ACTION_KEYS = ['allow', 'errno', 'action'] as const;

/** Exactly one of allow/errno/action; `syscalls` exactly when the action key does not list them. */
function checkRuleShape(rule: unknown, ctx: z.RefinementCtx): void {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return;
  const fields = rule as RuleInput;
  const present = Object.keys(fields).filter((k) =>
    (RULE_ACTION_KEYS as readonly string[]).includes(k),
  );
  const [first, ...extra] = present;
  if (first === undefined) {
    issue(ctx, 'a rule needs one of allow, errno or action', { code: 'invalid-rule' });
    return;
  }
  for (const key of extra) {
    issue(
      ctx,
      `a rule takes only one of allow, errno, action; this one already has "${first}"`,
      { code: 'invalid-rule', at: 'key' },
      [key],
    );
  }
  if (first === 'allow' && 'syscalls' in fields) {
    issue(
      ctx,
      '"syscalls" does not go with "allow": list the syscalls in allow itself',
      { code: 'invalid-rule', at: 'key' },
      ['syscalls'],
    );
  }
  if (first !== 'allow' && !('syscalls' in fields)) {
    issue(
      ctx,
      `this rule needs "syscalls": the syscalls that ${first} applies to`,
      { code: 'invalid-rule', at: 'key' },
      [first],
    );
  }
}

export const RuleSchema = documented(
  z
    .strictObject(
      {
        allow: documented(SyscallListSchema.optional(), {
          description: 'Allow these syscalls: `allow: [read, write]` or `allow: read`.',
        }),
        errno: documented(ErrnoSchema.optional(), {
          description: 'Fail the syscalls in `syscalls` with this errno, e.g. `errno: EACCES`.',
        }),
        action: documented(ActionSchema.optional(), {
          description:
            'Apply this action to the syscalls in `syscalls`, e.g. `action: kill-process`.',
        }),
        syscalls: documented(SyscallListSchema.optional(), {
          description: 'The syscalls an `errno` or `action` rule applies to.',
        }),
        when: documented(
          z
            .string({ error: expected('a condition string', quoteHint) })
            .superRefine(checkCondition),
          {
            title: 'Condition',
            description:
              'Apply the rule only when this holds for the arguments, e.g. `"arg1 in {TCGETS, FIONREAD}"` or `"(arg2 & ~(MAP_PRIVATE|MAP_ANONYMOUS)) == 0"`. Otherwise later rules, then the default, decide. Quote it.',
          },
        ).optional(),
      },
      { error: expected('a rule (a mapping with allow, errno or action)') },
    )
    // Shape problems are worth reporting even when a syscall name inside is also wrong.
    .superRefine(checkRuleShape, { when: () => true }),
  {
    title: 'Rule',
    description:
      'One of `allow: [syscalls]`, `errno: NAME` + `syscalls`, or `action: ACTION` + `syscalls`, optionally with `when: CONDITION`. For a syscall, the first rule (file order) that lists it and whose condition holds decides.',
  },
);

export const SeccompSchema = documented(
  z.strictObject(
    {
      arch: documented(
        z
          .array(
            documented(
              z.string({ error: expected('an architecture name') }).superRefine(checkArch),
              {
                enum: [...SUPPORTED_ARCHES],
              },
            ),
            { error: expected('a list of architectures') },
          )
          .min(1, { error: 'list at least one architecture' })
          .default(['x86_64']),
        {
          title: 'Architectures',
          description: `The ABIs the filter accepts (${SUPPORTED_ARCHES.join(', ')}); a syscall made through any other ABI (i386 or x32 in an x86_64 process included) gets \`bad_arch\`. Default: [x86_64].`,
        },
      ),
      bad_arch: documented(ActionSchema.default('kill-process'), {
        title: 'Action for other architectures',
        description:
          'What happens to a syscall made through an ABI `arch` does not list. Default: kill-process.',
      }),
      default: documented(ActionSchema.default('kill-process'), {
        title: 'Default action',
        description: 'What happens to a syscall no rule lists. Default: kill-process.',
      }),
      rules: documented(
        z.array(RuleSchema, { error: expected('a list of rules', emptyListHint) }).default([]),
        {
          title: 'Rules',
          description:
            'Checked in order: for a syscall, the first rule that lists it and whose `when` holds decides; else `default`. Rules of included files come first.',
        },
      ),
    },
    { error: expected('a mapping with arch, default, bad_arch and rules') },
  ),
  {
    title: 'Seccomp filter',
    description: 'The seccomp-BPF filter installed before the target starts.',
  },
);

export const LinuxSchema = documented(
  z.strictObject(
    {
      no_new_privs: documented(z.boolean({ error: expected('true or false') }).default(true), {
        title: 'No new privileges',
        description:
          'Set PR_SET_NO_NEW_PRIVS before exec: setuid binaries gain nothing. Required to install a filter without CAP_SYS_ADMIN. Default: true.',
      }),
      seccomp: SeccompSchema.optional(),
      rlimits: RlimitsSchema.optional(),
      capabilities: CapabilitiesSchema.optional(),
      user: UserSchema,
      group: GroupSchema,
      groups: GroupsSchema,
      chroot: ChrootSchema,
      landlock: LandlockSchema.optional(),
      namespaces: NamespacesSchema,
      best_effort: BestEffortSchema,
      dumpable: DumpableSchema,
      seccomp_strict: SeccompStrictSchema,
    },
    {
      error: expected(
        'a mapping with no_new_privs, seccomp, rlimits, capabilities, user, chroot, landlock, …',
      ),
    },
  ),
  {
    title: 'Linux',
    description:
      'Linux confinement the launcher applies to the target before exec: namespaces, Landlock, chroot, resource limits, user and groups, capabilities, no_new_privs and the seccomp filter.',
  },
);

export const TargetSchema = documented(
  z.strictObject(
    {
      command: documented(
        z
          .array(z.string({ error: expected('a string', quoteHint) }), {
            error: expected('an array of strings', listHint),
          })
          .min(1, { error: 'the command must not be empty: give the program and its arguments' }),
        {
          title: 'Command',
          description: 'The program and its arguments, e.g. `[/bin/ls, /]`.',
        },
      ),
      cwd: documented(z.string({ error: expected('a directory path') }).optional(), {
        title: 'Working directory',
        description: 'The directory the target starts in.',
      }),
      env: documented(
        z
          .record(z.string(), z.string({ error: expected('a string', quoteHint) }), {
            error: expected('a mapping of variable names to strings'),
          })
          .optional(),
        {
          title: 'Environment',
          description: 'Environment variables set for the target, e.g. `{ LANG: C }`.',
        },
      ),
    },
    { error: expected('a mapping with command, cwd and env') },
  ),
  { title: 'Target', description: 'The program the studio runs under this policy.' },
);

export const PolicyDocumentSchema = documented(
  z.strictObject(
    {
      version: documented(
        z.literal(1, {
          error: (iss) =>
            `unsupported policy version ${JSON.stringify(iss.input)}; this studio reads version 1`,
        }),
        { title: 'Format version', description: 'Always 1.' },
      ),
      name: documented(z.string({ error: expected('a string') }).optional(), {
        title: 'Name',
        description: 'A human-readable name for the policy.',
      }),
      include: documented(
        z
          .array(z.string({ error: expected('a file path', quoteHint) }).min(1, 'empty path'), {
            error: expected('a list of policy files', listHint),
          })
          .optional(),
        {
          title: 'Include',
          description:
            "Policy files whose seccomp rules come before this file's rules, in this order, e.g. `[base.sandbox.yaml]`. Paths are relative to this file. Only their rules (and their own includes) are used.",
        },
      ),
      intent: documented(
        z
          .array(
            documented(z.string({ error: expected('an intent') }).superRefine(checkIntent), {
              enum: Object.keys(POLICY_INTENTS),
            }),
            { error: expected('a list of intents', listHint) },
          )
          .optional(),
        {
          title: 'Intent',
          description: `What the sandbox is for; the checker flags grants that contradict it. ${Object.entries(
            POLICY_INTENTS,
          )
            .map(([name, what]) => `\`${name}\`: ${what}`)
            .join(' ')}`,
        },
      ),
      target: TargetSchema.optional(),
      linux: LinuxSchema.prefault({}),
      windows: WindowsSchema.optional(),
      freebsd: FreeBsdSchema.optional(),
    },
    {
      error: expected(
        'a mapping (version, name, include, intent, target, linux, windows, freebsd)',
      ),
    },
  ),
  {
    title: 'Sandbox Studio policy',
    description: 'A process sandbox policy (*.sandbox.yaml), version 1.',
  },
);

export type PolicyDocument = z.output<typeof PolicyDocumentSchema>;
export type RuleDocument = z.output<typeof RuleSchema>;

/** Narrowing for values the arch refinement has accepted. */
export function isSupportedArch(name: string): name is Arch {
  return (SUPPORTED_ARCHES as readonly string[]).includes(name);
}
