import { mkdirSync, mkdtempSync, chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LANDLOCK } from '../../../app/linux/layer-constants';
import { landlockAbi } from './landlock';
import {
  appliedLayers,
  compileStatic,
  errors,
  isRoot,
  launch,
  linuxX64,
  requireBuiltLauncher,
  warnings,
} from './test-support';

const fs = (name: string) => {
  const value = LANDLOCK.get(`LANDLOCK_ACCESS_FS_${name}`);
  if (value === undefined) throw new Error(`LANDLOCK_ACCESS_FS_${name} is not in the tables`);
  return value;
};
const net = (name: string) => {
  const value = LANDLOCK.get(`LANDLOCK_ACCESS_NET_${name}`);
  if (value === undefined) throw new Error(`LANDLOCK_ACCESS_NET_${name} is not in the tables`);
  return value;
};
const ALL_FS = [...LANDLOCK]
  .filter(([name]) => name.startsWith('LANDLOCK_ACCESS_FS_'))
  .reduce((mask, [, value]) => mask | value, 0n);
const READ = fs('READ_FILE') | fs('READ_DIR');
const RUN = READ | fs('EXECUTE');
const WRITE = fs('WRITE_FILE') | fs('MAKE_REG') | fs('REMOVE_FILE') | fs('TRUNCATE');

const available = linuxX64 && typeof landlockAbi() === 'number';
const abi = available ? (landlockAbi() as number) : 0;

/** bind/connect PORT pairs on 127.0.0.1, each answered with ok or the errno name. */
const NET_PROBE = `
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[i + 1])) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int r = strcmp(argv[i], "bind") == 0 ? bind(s, (void *)&a, sizeof a)
                                          : connect(s, (void *)&a, sizeof a);
    printf("%s %s %s\\n", argv[i], argv[i + 1], r == 0 ? "ok" : strerrorname_np(errno));
    close(s);
  }
  return 0;
}
`;

/** The system directories a dynamically linked /bin/sh and cat need to start. */
const SYSTEM = ['/usr', '/lib', '/lib64', '/bin', '/etc'].map((path) => ({
  path,
  access: String(RUN),
}));

function landlockPlan(extra: Record<string, unknown>) {
  return {
    minAbi: 1,
    handledFs: String(ALL_FS),
    handledNet: '0',
    paths: SYSTEM,
    netBind: [],
    netConnect: [],
    ...extra,
  };
}

function makeTree() {
  const dir = mkdtempSync(join(tmpdir(), 'layers-landlock-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'allowed'));
  writeFileSync(join(dir, 'allowed', 'file.txt'), 'allowed\n');
  writeFileSync(join(dir, 'denied.txt'), 'secret\n');
  writeFileSync(join(dir, 'single.txt'), 'single\n');
  mkdirSync(join(dir, 'out'));
  return dir;
}

async function listen(): Promise<Server> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server) => (server.address() as { port: number }).port;

async function freePort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

if (!linuxX64) console.warn('skipping Landlock layer tests: they need Linux on x86_64');
if (linuxX64 && !available)
  console.warn('skipping Landlock layer tests: this kernel has no Landlock');

describe.runIf(available)('landlock layer on the real kernel', () => {
  beforeAll(requireBuiltLauncher);

  it('reads what a rule allows, and nothing else: no read, no write outside the rules', async () => {
    const dir = makeTree();
    const outcome = await launch({
      argv: [
        '/bin/sh',
        '-c',
        `cat ${dir}/allowed/file.txt; cat ${dir}/denied.txt; echo x > ${dir}/allowed/new; echo x > ${dir}/out/new && cat ${dir}/out/new`,
      ],
      layers: {
        landlock: landlockPlan({
          paths: [
            ...SYSTEM,
            { path: `${dir}/allowed`, access: String(READ) },
            { path: `${dir}/out`, access: String(READ | WRITE) },
          ],
        }),
      },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.stdout).toBe('allowed\nx\n');
    expect(outcome.stderr).toContain(`cat: ${dir}/denied.txt: Permission denied`);
    expect(outcome.stderr).toContain(`cannot create ${dir}/allowed/new: Permission denied`);
    expect(appliedLayers(outcome)).toEqual(['no_new_privs', 'landlock']);
    const detail = outcome.messages.find((m) => m.kind === 'applied' && m.layer === 'landlock');
    expect(detail).toMatchObject({ detail: expect.stringMatching(new RegExp(`^ABI ${abi};`)) });
  });

  it('a rule on a single file keeps only the rights a file can have', async () => {
    const dir = makeTree();
    const outcome = await launch({
      argv: ['/bin/cat', `${dir}/single.txt`, `${dir}/denied.txt`],
      layers: {
        landlock: landlockPlan({
          paths: [...SYSTEM, { path: `${dir}/single.txt`, access: String(READ) }],
        }),
      },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.stdout).toBe('single\n');
    expect(outcome.stderr).toContain('Permission denied');
  });

  it('rights this kernel does not know are left out of the ruleset and named in the detail', async () => {
    // A right far beyond every Landlock ABI so far, as a newer planner might send it.
    const future = 1n << 60n;
    const outcome = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { landlock: landlockPlan({ handledFs: String(ALL_FS | future) }) },
    });
    expect(errors(outcome)).toEqual([]);
    const applied = outcome.messages.find((m) => m.kind === 'applied' && m.layer === 'landlock');
    expect(applied).toMatchObject({
      detail: expect.stringContaining(`not known to this kernel: fs 0x${future.toString(16)}`),
    });
    expect(outcome.stdout).toBe('ran\n');
  });

  it.runIf(abi >= 4)('network rules: bind and connect only to the listed TCP ports', async () => {
    const probe = compileStatic('net-probe', NET_PROBE);
    const allowedServer = await listen();
    const deniedServer = await listen();
    try {
      const [bindAllowed, bindDenied] = [await freePort(), await freePort()];
      const connectAllowed = portOf(allowedServer);
      const connectDenied = portOf(deniedServer);
      const outcome = await launch({
        argv: [
          probe,
          ...['bind', `${bindAllowed}`, 'bind', `${bindDenied}`],
          ...['connect', `${connectAllowed}`, 'connect', `${connectDenied}`],
        ],
        layers: {
          landlock: landlockPlan({
            minAbi: 4,
            handledNet: String(net('BIND_TCP') | net('CONNECT_TCP')),
            paths: [...SYSTEM, { path: dirname(probe), access: String(RUN) }],
            netBind: [bindAllowed],
            netConnect: [connectAllowed],
          }),
        },
      });
      expect(errors(outcome)).toEqual([]);
      expect(outcome.stdout).toBe(
        [
          `bind ${bindAllowed} ok`,
          `bind ${bindDenied} EACCES`,
          `connect ${connectAllowed} ok`,
          `connect ${connectDenied} EACCES`,
          '',
        ].join('\n'),
      );
    } finally {
      allowedServer.close();
      deniedServer.close();
    }
  });

  it('an ABI lower than the plan needs stops the launch; the target never runs', async () => {
    const outcome = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { landlock: landlockPlan({ minAbi: abi + 1 }) },
    });
    expect(errors(outcome)).toEqual([
      {
        kind: 'error',
        layer: 'landlock',
        message: `this kernel's Landlock ABI is ${abi}; the policy needs ${abi + 1}`,
      },
    ]);
    expect(outcome.stdout).toBe('');
    expect(outcome.code).toBe(126);
  });

  it('best effort: a too low ABI is a warning, and what this kernel knows is still enforced', async () => {
    const dir = makeTree();
    const outcome = await launch({
      argv: ['/bin/cat', `${dir}/allowed/file.txt`, `${dir}/denied.txt`],
      layers: {
        landlock: landlockPlan({
          minAbi: abi + 1,
          bestEffort: true,
          paths: [...SYSTEM, { path: `${dir}/allowed`, access: String(READ) }],
        }),
      },
    });
    expect(warnings(outcome)).toMatchObject([{ layer: 'landlock' }]);
    expect(outcome.stdout).toBe('allowed\n');
    expect(outcome.stderr).toContain('Permission denied');
    expect(appliedLayers(outcome)).toContain('landlock');
  });

  it('a rule path that does not exist is an error (ENOENT) ...', async () => {
    const outcome = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: {
        landlock: landlockPlan({
          paths: [...SYSTEM, { path: '/no/such/dir', access: String(READ) }],
        }),
      },
    });
    expect(errors(outcome)).toEqual([
      {
        kind: 'error',
        layer: 'landlock',
        message: 'open(/no/such/dir, O_PATH) failed: ENOENT',
        errno: 2,
        errnoName: 'ENOENT',
      },
    ]);
    expect(outcome.code).toBe(126);
  });

  it('... and in best effort a warning: the rule is left out, which only denies more', async () => {
    const outcome = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: {
        landlock: landlockPlan({
          bestEffort: true,
          paths: [...SYSTEM, { path: '/no/such/dir', access: String(READ) }],
        }),
      },
    });
    expect(warnings(outcome)).toMatchObject([{ layer: 'landlock', errnoName: 'ENOENT' }]);
    expect(outcome.stdout).toBe('ran\n');
  });

  it.runIf(isRoot)(
    'restrict_self needs no_new_privs or CAP_SYS_ADMIN: without both it fails with EPERM and says so',
    async () => {
      const outcome = await launch({
        argv: ['/bin/echo', 'ran'],
        noNewPrivs: false,
        layers: {
          landlock: landlockPlan({}),
          capabilities: {
            effective: [],
            permitted: [],
            inheritable: [],
            ambient: [],
            bounding: [],
          },
        },
      });
      expect(errors(outcome)).toEqual([
        {
          kind: 'error',
          layer: 'landlock',
          message:
            'landlock_restrict_self failed: EPERM (it needs no_new_privs: true or CAP_SYS_ADMIN)',
          errno: 1,
          errnoName: 'EPERM',
        },
      ]);
      expect(outcome.stdout).toBe('');
    },
  );

  it.runIf(isRoot)('with CAP_SYS_ADMIN, restrict_self works without no_new_privs', async () => {
    const outcome = await launch({
      argv: ['/bin/echo', 'ran'],
      noNewPrivs: false,
      layers: { landlock: landlockPlan({}) },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.stdout).toBe('ran\n');
  });
});
