import { describe, expect, it } from 'vitest';
import {
  closingParen,
  readArgument,
  splitArgItems,
  splitArgs,
  stringArray,
  stringLiteral,
} from './strace-args';

const read = (text: string) => readArgument(text, 'x86_64');

describe('splitArgItems', () => {
  it('splits at top-level commas, with where each item starts', () => {
    const text =
      'AT_FDCWD</tmp/a, b>, "x, y", {st_mode=S_IFREG|0644, ...}, [1, 2], 0x7f /* 3, 4 */';
    expect(splitArgItems(text)).toEqual([
      { text: 'AT_FDCWD</tmp/a, b>', offset: 0 },
      { text: '"x, y"', offset: 21 },
      { text: '{st_mode=S_IFREG|0644, ...}', offset: 29 },
      { text: '[1, 2]', offset: 58 },
      { text: '0x7f /* 3, 4 */', offset: 66 },
    ]);
    expect(splitArgItems('')).toEqual([]);
    expect(splitArgItems('-1,  ')).toEqual([
      { text: '-1', offset: 0 },
      { text: '', offset: 5 },
    ]);
  });

  it('keeps -yy decorations whole, nested ones too, but not capability sets', () => {
    expect(splitArgs('3</dev/null<char 1:3>>, 1<pipe:[9]>')).toEqual([
      '3</dev/null<char 1:3>>',
      '1<pipe:[9]>',
    ]);
    // `(` in a path does not open anything.
    expect(splitArgs('3</tmp/x (copy), y>, 0')).toEqual(['3</tmp/x (copy), y>', '0']);
    expect(splitArgs('{effective=1<<CAP_CHOWN|1<<CAP_KILL, permitted=0}, 2')).toEqual([
      '{effective=1<<CAP_CHOWN|1<<CAP_KILL, permitted=0}',
      '2',
    ]);
  });
});

describe('closingParen', () => {
  it('finds the end of the argument list past strings, comments and decorations', () => {
    const rest = 'AT_FDCWD</a)b>, "c)d", 0 /* e) */) = 3</a)b>';
    expect(closingParen(rest, 0)).toBe(rest.indexOf(') = 3'));
    expect(closingParen('3, "abc", 3', 0)).toBe(-1);
  });
});

describe('readArgument', () => {
  it('evaluates numbers and flag sets with the arch constants', () => {
    expect(read('O_RDONLY|O_CLOEXEC')).toEqual({ value: 0x80000n, unknown: [] });
    expect(read('R_OK')).toEqual({ value: 4n, unknown: [] });
    expect(read('-1').value).toBe(0xffffffffffffffffn);
    expect(read('AT_FDCWD').value).toBe(0xffffffffffffff9cn);
    expect(read('0666').value).toBe(0o666n);
    expect(read('0x7ffc033c8898 /* 39 vars */').value).toBe(0x7ffc033c8898n);
    expect(read('8192*1024').value).toBe(8192n * 1024n);
    expect(read('S_IFCHR|0600').value).toBe(0o20600n);
    expect(read('NULL').value).toBe(0n);
    expect(read('SIGRT_1').value).toBe(33n);
    expect(read('BTRFS_IOC_CLONE or FICLONE').value).toBe(0x40049409n);
    expect(read('1<<CAP_KILL').value).toBe(1n << 5n);
  });

  it('reads a named argument (clone) by its value', () => {
    expect(read('flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD').value).toBe(0x1200011n);
    expect(read('child_stack=NULL')).toEqual({ value: 0n, unknown: [] });
  });

  it('keeps strings as what the pointer pointed at, with no value for it', () => {
    expect(read('"/etc/ld.so.cache"')).toEqual({
      value: undefined,
      string: '/etc/ld.so.cache',
      unknown: [],
    });
    expect(read(String.raw`"/tmp/a<b>c\303\251 d"`).string).toBe('/tmp/a<b>cé d');
    expect(read(String.raw`"\177ELF\2\1"...`).string).toBe('\x7fELF\x02\x01');
    expect(read('filename="/x"').string).toBe('/x');
    for (const contents of ['{st_mode=S_IFREG|0644, ...}', '[3, 4]', '~[RTMIN RT_1]', '[]']) {
      expect(read(contents)).toEqual({ value: undefined, unknown: [] });
    }
  });

  it('reads strace -y/-yy fd decorations as the fd and what it referred to', () => {
    expect(read('3</etc/ld.so.cache>')).toEqual({
      value: 3n,
      fd: '/etc/ld.so.cache',
      unknown: [],
    });
    expect(read('AT_FDCWD</tmp/s2>')).toMatchObject({ value: 0xffffffffffffff9cn, fd: '/tmp/s2' });
    expect(read('3<TCP:[127.0.0.1:37291]>').fd).toBe('TCP:[127.0.0.1:37291]');
    expect(read('4<pipe:[1622528]>').fd).toBe('pipe:[1622528]');
    expect(read('6<anon_inode:[eventfd]>').fd).toBe('anon_inode:[eventfd]');
    // -yy's device numbers are strace's; the path is what the fd refers to.
    expect(read('0</dev/null<char 1:3>>')).toMatchObject({ value: 0n, fd: '/dev/null' });
    expect(read(String.raw`8</tmp/s2/a\74b\76c\303\251 d>`).fd).toBe('/tmp/s2/a<b>cé d');
  });

  it('names the constants it does not know, with where they are, and counts them as 0', () => {
    expect(read('O_RDONLY|O_BOGUS')).toEqual({
      value: 0n,
      unknown: [{ name: 'O_BOGUS', offset: 9 }],
    });
    expect(read('flags=O_CLOEXEC|NOPE_1|NOPE_2 /* x */')).toEqual({
      value: 0x80000n,
      unknown: [
        { name: 'NOPE_1', offset: 16 },
        { name: 'NOPE_2', offset: 23 },
      ],
    });
    expect(read('A_THING or ANOTHER').unknown).toEqual([{ name: 'A_THING or ANOTHER', offset: 0 }]);
  });

  it('says which expressions it cannot evaluate', () => {
    expect(read('_IOC(_IOC_READ, 0x54, 0x2a, 0x2c)')).toEqual({
      value: undefined,
      unknown: [],
      unreadable: { name: '_IOC(…)', offset: 0 },
    });
    expect(read('mode=makedev(0x1, 0x3)').unreadable).toEqual({ name: 'makedev(…)', offset: 5 });
    expect(read('3+4').unreadable).toEqual({ name: '3+4', offset: 0 });
  });
});

describe('stringLiteral and stringArray', () => {
  it('read execve paths and argv', () => {
    expect(stringLiteral('"/usr/bin/sh"')).toBe('/usr/bin/sh');
    expect(stringLiteral('"cut short"...')).toBe('cut short');
    expect(stringLiteral('0x7f')).toBeUndefined();
    expect(stringArray('["sh", "-c", "cat /etc/hostname > /dev/null & "...]')).toEqual([
      'sh',
      '-c',
      'cat /etc/hostname > /dev/null & ',
    ]);
    expect(stringArray('["a", ...]')).toEqual(['a']);
    expect(stringArray('0x0')).toBeUndefined();
  });
});
