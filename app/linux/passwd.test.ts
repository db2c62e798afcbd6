import { describe, expect, it } from 'vitest';
import { isIdentityError, parseGroup, parsePasswd, resolveIdentity } from './passwd';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
# a comment

alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
alice:x:2000:2000:second alice:/home/a2:/bin/sh
+nisuser::::::
broken:x:12
bob:x:abc:1001::/home/bob:/bin/sh
`;

const GROUP = `root:x:0:
daemon:x:1:
alice:x:1000:
sudo:x:27:alice, bob
audio:x:29:carol,alice
nogroup:x:65534:
staff:x:50:
bad:x:nope:
`;

describe('parsePasswd', () => {
  it('reads entries, skipping comments, blanks and NIS compat lines', () => {
    const { entries } = parsePasswd(PASSWD);
    expect(entries.map((e) => e.name)).toEqual(['root', 'daemon', 'alice', 'nobody', 'alice']);
    expect(entries[2]).toEqual({
      name: 'alice',
      uid: 1000,
      gid: 1000,
      home: '/home/alice',
      shell: '/bin/bash',
      line: 5,
    });
  });

  it('reports malformed lines with their line numbers instead of guessing', () => {
    expect(parsePasswd(PASSWD).problems).toEqual([
      { line: 9, message: '3 fields instead of 7 in "broken:x:12"' },
      { line: 10, message: 'bad name, uid or gid in "bob:x:abc:1001::/home/bob:/bin/sh"' },
    ]);
  });

  it('rejects ids beyond 32 bits and (uid_t)-1, and takes CRLF line ends', () => {
    const { entries, problems } = parsePasswd(
      'a:x:4294967295:0::/:/bin/sh\r\nb:x:4294967294:0::/:/bin/sh\r\n',
    );
    expect(entries.map((e) => e.uid)).toEqual([4294967294]);
    expect(problems).toHaveLength(1);
  });
});

describe('parseGroup', () => {
  it('reads groups and their members', () => {
    const { entries, problems } = parseGroup(GROUP);
    expect(entries.find((g) => g.name === 'sudo')).toEqual({
      name: 'sudo',
      gid: 27,
      members: ['alice', 'bob'],
      line: 4,
    });
    expect(entries.find((g) => g.name === 'staff')?.members).toEqual([]);
    expect(problems).toEqual([{ line: 8, message: 'bad name or gid in "bad:x:nope:"' }]);
  });
});

describe('resolveIdentity', () => {
  const resolve = (request: Parameters<typeof resolveIdentity>[0]) =>
    resolveIdentity(request, PASSWD, GROUP);

  it('takes a user name: its uid, primary group and initgroups list', () => {
    expect(resolve({ user: 'alice' })).toEqual({ uid: 1000, gid: 1000, groups: [1000, 27, 29] });
  });

  it('uses the first entry of a name, as glibc does', () => {
    expect(resolve({ user: 'alice' })).toMatchObject({ uid: 1000 });
  });

  it('lets group and groups override the defaults', () => {
    expect(resolve({ user: 'nobody', group: 'nogroup', groups: [] })).toEqual({
      uid: 65534,
      gid: 65534,
      groups: [],
    });
    expect(resolve({ user: 'alice', group: 50 })).toEqual({
      uid: 1000,
      gid: 50,
      groups: [50, 27, 29],
    });
    expect(resolve({ user: 'alice', groups: ['audio', 27, 'audio'] })).toEqual({
      uid: 1000,
      gid: 1000,
      groups: [29, 27],
    });
  });

  it('takes numeric ids, with or without an entry', () => {
    expect(resolve({ user: 1 })).toEqual({ uid: 1, gid: 1, groups: [1] });
    expect(resolve({ user: 4242, group: 4242 })).toEqual({ uid: 4242, gid: 4242, groups: [4242] });
  });

  it('needs a group for a uid without an entry', () => {
    expect(resolve({ user: 4242 })).toEqual({
      error: 'uid 4242 has no entry in /etc/passwd to take a group from: set group',
    });
  });

  it('switches only the group when no user is given', () => {
    expect(resolve({ group: 'staff' })).toEqual({ gid: 50, groups: [50] });
    expect(resolve({ groups: ['sudo'] })).toEqual({ groups: [27] });
    expect(resolve({})).toEqual({ groups: [] });
  });

  it('fails with a clear message for unknown names', () => {
    const unknownUser = resolve({ user: 'mallory' });
    expect(isIdentityError(unknownUser) && unknownUser.error).toBe(
      'user "mallory" is not in /etc/passwd',
    );
    expect(resolve({ user: 'alice', group: 'wheel' })).toEqual({
      error: 'group "wheel" is not in /etc/group',
    });
    expect(resolve({ user: 'alice', groups: ['sudo', 'wheel'] })).toEqual({
      error: 'group "wheel" is not in /etc/group',
    });
  });

  it('points at a malformed line that mentions the missing name', () => {
    expect(resolve({ user: 'bob' })).toEqual({
      error:
        'user "bob" is not in /etc/passwd (/etc/passwd line 10 mentions it but is malformed: bad name, uid or gid in "bob:x:abc:1001::/home/bob:/bin/sh")',
    });
    expect(resolve({ group: 'bad' })).toMatchObject({ error: expect.stringMatching(/line 8/) });
  });
});
