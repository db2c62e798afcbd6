import { z } from 'zod';
import { documented, expected, issue, listHint } from './schema-support';
import { didYouMean } from './suggest';

/**
 * The zod schema of `freebsd:`: Capsicum capability mode and per-descriptor rights, for export as
 * C (app/export/freebsd-c.ts). The studio cannot run FreeBSD targets, so this part is validated
 * and exported only.
 */

/**
 * The rights of sys/capsicum.h, as policies write them: `read` is CAP_READ. Aliases the header
 * defines (CAP_RECV = CAP_READ, CAP_SEND = CAP_WRITE) are rights too.
 */
export const CAPSICUM_RIGHTS = [
  'read',
  'write',
  'seek_tell',
  'seek',
  'pread',
  'pwrite',
  'mmap',
  'mmap_r',
  'mmap_w',
  'mmap_x',
  'mmap_rw',
  'mmap_rx',
  'mmap_wx',
  'mmap_rwx',
  'create',
  'fexecve',
  'fsync',
  'ftruncate',
  'lookup',
  'fchdir',
  'fchflags',
  'chflagsat',
  'fchmod',
  'fchmodat',
  'fchown',
  'fchownat',
  'fcntl',
  'flock',
  'fpathconf',
  'fsck',
  'fstat',
  'fstatat',
  'fstatfs',
  'futimes',
  'futimesat',
  'linkat_target',
  'mkdirat',
  'mkfifoat',
  'mknodat',
  'renameat_source',
  'symlinkat',
  'unlinkat',
  'accept',
  'bind',
  'connect',
  'getpeername',
  'getsockname',
  'getsockopt',
  'listen',
  'peeloff',
  'recv',
  'send',
  'setsockopt',
  'shutdown',
  'bindat',
  'connectat',
  'linkat_source',
  'renameat_target',
  'sock_client',
  'sock_server',
  'mac_get',
  'mac_set',
  'sem_getvalue',
  'sem_post',
  'sem_wait',
  'event',
  'kqueue_event',
  'ioctl',
  'ttyhook',
  'pdgetpid',
  'pdwait',
  'pdkill',
  'extattr_delete',
  'extattr_get',
  'extattr_list',
  'extattr_set',
  'acl_check',
  'acl_delete',
  'acl_get',
  'acl_set',
  'kqueue_change',
  'kqueue',
] as const;
export type CapsicumRight = (typeof CAPSICUM_RIGHTS)[number];

/** The fcntl(2) commands cap_fcntls_limit can allow (CAP_FCNTL_GETFL, …). */
export const CAPSICUM_FCNTLS = ['getfl', 'setfl', 'getown', 'setown'] as const;
export type CapsicumFcntl = (typeof CAPSICUM_FCNTLS)[number];

export const STANDARD_DESCRIPTORS: Readonly<Record<string, number>> = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
};

/** Descriptors are ints; the kernel's table never reaches INT_MAX. */
const MAX_FD = 2 ** 31 - 1;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `CAP_READ`, `READ` and `read` all name CAP_READ. */
export function canonicalRight(written: string): CapsicumRight | undefined {
  const name = written.trim().toLowerCase().replace(/^cap_/, '');
  return (CAPSICUM_RIGHTS as readonly string[]).includes(name)
    ? (name as CapsicumRight)
    : undefined;
}

/** `stdin` → 0, `"3"` → 3, or undefined for anything else. */
export function descriptorNumber(written: string): number | undefined {
  if (Object.hasOwn(STANDARD_DESCRIPTORS, written)) return STANDARD_DESCRIPTORS[written];
  if (!/^(0|[1-9][0-9]*)$/.test(written)) return undefined;
  const fd = Number(written);
  return fd <= MAX_FD ? fd : undefined;
}

function checkRight(name: string, ctx: z.RefinementCtx): void {
  if (canonicalRight(name) !== undefined) return;
  const bare = name.trim().toLowerCase().replace(/^cap_/, '');
  const hint = bare === 'poll_event' ? '; CAP_POLL_EVENT is the old name of event' : '';
  issue(ctx, `unknown Capsicum right "${name}"${didYouMean(bare, CAPSICUM_RIGHTS)}${hint}`, {
    code: 'unknown-capsicum-right',
  });
}

const RightSchema = documented(
  z.string({ error: expected('a Capsicum right such as read') }).superRefine(checkRight),
  {
    description:
      'A right of cap_rights_limit(2), named as in sys/capsicum.h without CAP_: `read` is CAP_READ, `fstat` is CAP_FSTAT.',
    anyOf: [{ enum: [...CAPSICUM_RIGHTS] }, { type: 'string', pattern: '^[A-Za-z_]+$' }],
  },
);

const RightsSchema = z.array(RightSchema, {
  error: expected('a list of Capsicum rights', listHint),
});

const FcntlSchema = documented(
  z.enum(CAPSICUM_FCNTLS, {
    error: (iss) =>
      `unknown fcntl command ${JSON.stringify(iss.input)}; cap_fcntls_limit takes ${CAPSICUM_FCNTLS.join(', ')}`,
  }),
  { description: 'A command cap_fcntls_limit(2) allows: getfl, setfl, getown or setown.' },
);

function checkIoctl(value: string | number, ctx: z.RefinementCtx): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      issue(ctx, `an ioctl command is a number from 0 to 0xffffffff, not ${value}`, {
        code: 'invalid-ioctl',
      });
    }
  } else if (!C_IDENTIFIER.test(value)) {
    issue(ctx, `"${value}" is not an ioctl command name (a C identifier such as FIONREAD)`, {
      code: 'invalid-ioctl',
    });
  }
}

const IoctlSchema = documented(
  z
    .union([z.string(), z.number()], { error: expected('an ioctl command name or number') })
    .superRefine(checkIoctl),
  {
    description:
      'An ioctl command cap_ioctls_limit(2) allows: its C name as FreeBSD headers spell it (FIONREAD, TIOCGETA) or its number.',
  },
);

const DescriptorRightsSchema = z
  .strictObject(
    {
      rights: documented(RightsSchema, {
        description: 'The rights the descriptor keeps (cap_rights_limit).',
      }),
      fcntls: documented(z.array(FcntlSchema, { error: expected('a list of fcntl commands') }), {
        description: 'With the fcntl right: the fcntl commands allowed (cap_fcntls_limit).',
      }).optional(),
      ioctls: documented(z.array(IoctlSchema, { error: expected('a list of ioctl commands') }), {
        description:
          'With the ioctl right: the ioctl commands allowed (cap_ioctls_limit); `[]` allows none.',
      }).optional(),
    },
    { error: expected('a mapping with rights, fcntls and ioctls') },
  )
  .superRefine((limit, ctx) => {
    const rights = new Set(limit.rights.map(canonicalRight));
    for (const [key, right] of [
      ['fcntls', 'fcntl'],
      ['ioctls', 'ioctl'],
    ] as const) {
      if (limit[key] !== undefined && !rights.has(right)) {
        issue(
          ctx,
          `"${key}" limits what the ${right} right allows, but the rights do not include ${right}`,
          { code: 'capsicum-limit', at: 'key' },
          [key],
        );
      }
    }
  });

const LimitEntrySchema = documented(
  z.union([RightsSchema, DescriptorRightsSchema], {
    error: expected('a list of rights, or a mapping { rights, fcntls, ioctls }'),
  }),
  {
    description:
      'The rights this descriptor keeps: `[read, fstat]`, or `{ rights: [read, ioctl], ioctls: [FIONREAD] }`.',
  },
);

function checkDescriptors(limits: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx): void {
  const seen = new Map<number, string>();
  for (const key of Object.keys(limits)) {
    const fd = descriptorNumber(key);
    if (fd === undefined) {
      issue(
        ctx,
        `"${key}" is not a descriptor: write stdin, stdout, stderr or a descriptor number`,
        { code: 'invalid-descriptor', at: 'key' },
        [key],
      );
      continue;
    }
    const other = seen.get(fd);
    if (other !== undefined) {
      issue(
        ctx,
        `"${key}" is descriptor ${fd}, already limited as "${other}"`,
        { code: 'invalid-descriptor', at: 'key' },
        [key],
      );
    }
    seen.set(fd, key);
  }
}

export const CapsicumSchema = documented(
  z.strictObject(
    {
      enter: documented(z.boolean({ error: expected('true or false') }).default(true), {
        title: 'Enter capability mode',
        description:
          'cap_enter(2): no more access to global namespaces (paths, PIDs, sockets by address); only descriptors already open, within their rights. Open every file needed later before this. Default: true.',
      }),
      limit: documented(
        z
          .record(z.string(), LimitEntrySchema, {
            error: expected('a mapping of descriptors to rights, e.g. { stdin: [read] }'),
          })
          .superRefine(checkDescriptors)
          .optional(),
        {
          title: 'Descriptor rights',
          description:
            'Per descriptor (stdin, stdout, stderr or a number), the rights it keeps: `{ stdin: [read], stdout: [write, fstat] }`. Applied before cap_enter.',
          propertyNames: {
            anyOf: [{ enum: ['stdin', 'stdout', 'stderr'] }, { pattern: '^[0-9]+$' }],
          },
        },
      ),
    },
    { error: expected('a mapping with enter and limit') },
  ),
  {
    title: 'Capsicum',
    description:
      'FreeBSD Capsicum: limit descriptor rights, then enter capability mode. Export → FreeBSD C generates the calls.',
  },
);

export const FreeBsdSchema = documented(
  z.strictObject(
    { capsicum: CapsicumSchema.optional() },
    { error: expected('a mapping with capsicum') },
  ),
  {
    title: 'FreeBSD',
    description: 'FreeBSD confinement, for export only (the studio runs Linux targets): Capsicum.',
  },
);

export type FreeBsdDocument = z.output<typeof FreeBsdSchema>;
