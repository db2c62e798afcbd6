import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd } from '../../../app/linux/passwd';
import {
  appliedLayers,
  errors,
  isRoot,
  launch,
  linuxX64,
  requireBuiltLauncher,
  warnings,
} from './test-support';

const STATUS = ['/bin/grep', '-E', '^(Uid|Gid|Groups|NoNewPrivs):', '/proc/self/status'];

if (!linuxX64) console.warn('skipping identity layer tests: they need Linux on x86_64');
if (linuxX64 && !isRoot) console.warn('skipping identity layer tests: they need root');

describe.runIf(linuxX64 && isRoot)('identity layer on the real kernel', () => {
  beforeAll(requireBuiltLauncher);
  const passwd = () => parsePasswd(readFileSync('/etc/passwd', 'utf8')).entries;
  const groups = () => parseGroup(readFileSync('/etc/group', 'utf8')).entries;

  it('switches to a user by name: real, effective, saved and fs ids, primary and member groups', async () => {
    const nobody = passwd().find((e) => e.name === 'nobody');
    if (!nobody) throw new Error('this machine has no user nobody');
    const member = groups()
      .filter((g) => g.members.includes('nobody'))
      .map((g) => g.gid);
    const expected = [...new Set([nobody.gid, ...member])].sort((a, b) => a - b);
    const outcome = await launch({ argv: STATUS, layers: { identity: { user: 'nobody' } } });
    expect(errors(outcome)).toEqual([]);
    const u = nobody.uid;
    const g = nobody.gid;
    expect(outcome.stdout).toContain(`Uid:\t${u}\t${u}\t${u}\t${u}\n`);
    expect(outcome.stdout).toContain(`Gid:\t${g}\t${g}\t${g}\t${g}\n`);
    expect(outcome.stdout).toContain(`Groups:\t${expected.join(' ')} \n`);
    expect(appliedLayers(outcome)).toEqual(['identity', 'no_new_privs']);
  });

  it('numeric ids need no passwd entry; an empty groups list drops every supplementary group', async () => {
    const outcome = await launch({
      argv: STATUS,
      layers: { identity: { user: 54321, group: 54322, groups: [] } },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.stdout).toContain('Uid:\t54321\t54321\t54321\t54321\n');
    expect(outcome.stdout).toContain('Gid:\t54322\t54322\t54322\t54322\n');
    expect(outcome.stdout).toMatch(/^Groups:\s*$/m);
  });

  it('a group-only switch keeps the uid', async () => {
    const outcome = await launch({ argv: STATUS, layers: { identity: { group: 'nogroup' } } });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.stdout).toContain('Uid:\t0\t0\t0\t0\n');
    const nogroup = groups().find((e) => e.name === 'nogroup')?.gid;
    expect(outcome.stdout).toContain(`Gid:\t${nogroup}\t${nogroup}\t${nogroup}\t${nogroup}\n`);
  });

  it('an unknown user stops the launch with the identity layer named; the target never runs', async () => {
    const outcome = await launch({
      argv: STATUS,
      layers: { identity: { user: 'no-such-user-here' } },
    });
    expect(errors(outcome)).toEqual([
      {
        kind: 'error',
        layer: 'identity',
        message: 'user "no-such-user-here" is not in /etc/passwd',
      },
    ]);
    expect(outcome.stdout).toBe('');
    expect(outcome.code).toBe(126);
  });

  it('best effort: an unknown user is a warning and the target runs as the launcher did', async () => {
    const outcome = await launch({
      argv: STATUS,
      layers: { identity: { user: 'no-such-user-here', bestEffort: true } },
    });
    expect(errors(outcome)).toEqual([]);
    expect(warnings(outcome)).toMatchObject([{ layer: 'identity' }]);
    expect(outcome.stdout).toContain('Uid:\t0\t0\t0\t0\n');
    expect(outcome.code).toBe(0);
  });
});
