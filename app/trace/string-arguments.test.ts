import { describe, expect, it } from 'vitest';
import { fdArguments, stringArguments } from './string-arguments';

describe('stringArguments', () => {
  it('finds the path and name arguments of the syscalls that take them', () => {
    expect(stringArguments('openat')).toEqual([1]);
    expect(stringArguments('newfstatat')).toEqual([1]);
    expect(stringArguments('renameat2')).toEqual([1, 3]);
    expect(stringArguments('memfd_create')).toEqual([0]);
  });

  it('finds none for syscalls without strings, or unknown ones', () => {
    expect(stringArguments('read')).toEqual([]);
    expect(stringArguments('getpid')).toEqual([]);
    expect(stringArguments('no_such_call')).toEqual([]);
  });
});

describe('fdArguments', () => {
  it('finds the descriptor arguments', () => {
    expect(fdArguments('read')).toEqual([0]);
    expect(fdArguments('newfstatat')).toEqual([0]);
    expect(fdArguments('renameat2')).toEqual([0, 2]);
    expect(fdArguments('getpid')).toEqual([]);
  });
});
