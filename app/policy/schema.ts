import { z } from 'zod';
import { errnoNames, MAX_ERRNO } from '../linux/errno';
import { SUPPORTED_ARCHES, syscallNames, type Arch } from '../linux/syscalls';
import { ACTION_KINDS, ACTION_SYNTAX, isActionError, parseAction, parseErrno } from './actions';
import { didYouMean } from './suggest';

/**
 * The zod schema of a `*.sandbox.yaml` document, as written (before defaults become the model).
 * It is the single source of truth for validation (parse.ts maps issues back to YAML nodes) and
 * for the JSON Schema editors use (json-schema.ts), so descriptions here are what hover shows.
 *
 * Content checks (syscall names, errno names, action strings, rule shape) are refinements that
 * raise `custom` issues carrying a diagnostic `code` in `params`; see {@link PolicyIssueParams}.
 */

/** What a refinement attaches to a `custom` issue so parse.ts can build the diagnostic. */
export interface PolicyIssueParams {
  readonly code: string;
  /** Underline the key of the entry at the issue path instead of its value. */
  readonly at?: 'key';
}

/** Metadata for the generated JSON Schema; kept out of zod's global registry on purpose. */
export const policyMetadata = z.registry<Record<string, unknown>>();

function documented<T extends z.ZodType>(schema: T, meta: Record<string, unknown>): T {
  policyMetadata.add(schema, meta);
  return schema;
}

function describeValue(input: unknown): string {
  if (input === null || input === undefined) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `the string "${input}"`;
  return `the ${typeof input} ${String(input)}`;
}

/** Error message for a wrong type: what was wanted, what was found, and a fix when obvious. */
function expected(what: string, hint: (input: unknown) => string = () => '') {
  return (issue: { readonly input?: unknown }) =>
    `expected ${what}, got ${describeValue(issue.input)}${hint(issue.input)}`;
}

function emptyListHint(input: unknown): string {
  return input === null ? '; write [] for an empty list' : '';
}

function quoteHint(input: unknown): string {
  return typeof input === 'number' || typeof input === 'boolean' ? `; quote it: "${input}"` : '';
}

function listHint(input: unknown): string {
  return typeof input === 'string'
    ? `; write it as a list: [${input.trim().split(/\s+/).join(', ')}]`
    : '';
}

function issue(
  ctx: z.RefinementCtx,
  message: string,
  params: PolicyIssueParams,
  path?: PropertyKey[],
) {
  ctx.addIssue({ code: 'custom', message, params, ...(path ? { path } : {}) });
}

const X86_64_SYSCALLS: ReadonlySet<string> = new Set(syscallNames('x86_64'));
/** Architecture names seccomp knows but the studio has no syscall table for yet. */
const LATER_ARCHES = [
  'x86',
  'x32',
  'aarch64',
  'arm',
  'riscv64',
  'ppc64le',
  'ppc64',
  's390x',
  'mips',
  'mips64',
  'loongarch64',
];

function checkSyscallName(name: string, ctx: z.RefinementCtx): void {
  if (name.startsWith('@')) {
    issue(ctx, `syscall groups like ${name} are not supported yet; list the syscalls instead`, {
      code: 'unsupported-group',
    });
  } else if (!X86_64_SYSCALLS.has(name)) {
    issue(ctx, `unknown syscall "${name}" on x86_64${didYouMean(name, X86_64_SYSCALLS)}`, {
      code: 'unknown-syscall',
    });
  }
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
  const message = LATER_ARCHES.includes(name)
    ? `architecture ${name} is not supported yet (supported: ${SUPPORTED_ARCHES.join(', ')})`
    : `unknown architecture "${name}"${didYouMean(name, [...SUPPORTED_ARCHES, ...LATER_ARCHES])} (supported: ${SUPPORTED_ARCHES.join(', ')})`;
  issue(ctx, message, { code: 'unsupported-arch' });
}

export const SyscallNameSchema = documented(
  z.string({ error: expected('a syscall name', quoteHint) }).superRefine(checkSyscallName),
  {
    id: 'syscallName',
    title: 'Syscall name',
    description: 'A system call by its kernel name, e.g. `openat` (x86_64 table).',
    enum: [...X86_64_SYSCALLS].sort(),
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
    description: `What the filter does with a syscall: ${ACTION_SYNTAX.join(', ')}. \`errno\` makes the syscall fail with that error without running it; \`notify\` hands it to the supervisor.`,
    anyOf: [
      {
        enum: [
          ...ACTION_KINDS.filter((k) => k !== 'errno'),
          ...errnoNames().map((n) => `errno ${n}`),
        ],
      },
      { pattern: `^errno [1-9][0-9]{0,3}$` },
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
      },
      { error: expected('a rule (a mapping with allow, errno or action)') },
    )
    // Shape problems are worth reporting even when a syscall name inside is also wrong.
    .superRefine(checkRuleShape, { when: () => true }),
  {
    title: 'Rule',
    description:
      'One of `allow: [syscalls]`, `errno: NAME` + `syscalls`, or `action: ACTION` + `syscalls`. Rules match in file order; the first rule listing a syscall decides.',
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
          .default([...SUPPORTED_ARCHES]),
        {
          title: 'Architectures',
          description:
            'Architectures the filter accepts; a syscall made through any other ABI kills the process. Only x86_64 is supported for now.',
        },
      ),
      default: documented(ActionSchema.default('kill-process'), {
        title: 'Default action',
        description: 'What happens to a syscall no rule lists. Default: kill-process.',
      }),
      rules: documented(
        z.array(RuleSchema, { error: expected('a list of rules', emptyListHint) }).default([]),
        {
          title: 'Rules',
          description: 'Checked in order; the first rule listing a syscall decides its action.',
        },
      ),
    },
    { error: expected('a mapping with arch, default and rules') },
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
    },
    { error: expected('a mapping with no_new_privs and seccomp') },
  ),
  { title: 'Linux', description: 'Linux confinement applied to the target.' },
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
      target: TargetSchema.optional(),
      linux: LinuxSchema.prefault({}),
    },
    { error: expected('a mapping (version, name, target, linux)') },
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
