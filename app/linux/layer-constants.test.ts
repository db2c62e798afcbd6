import { describe, expect, it } from 'vitest';
import { ARCH_TABLES } from './arch-tables';
import {
  CAPABILITY_NAMES,
  LAST_CAP,
  canonicalCapabilityName,
  capabilityName,
  capabilityNumber,
} from './capabilities';
import { CAPABILITY, LANDLOCK, RLIMIT, landlockConstant } from './layer-constants';
import { RLIMIT_NAMES, rlimitDescription, rlimitResource, rlimitUnit, takesSizes } from './rlimits';

describe('layer constants from the generated tables', () => {
  it('has the capabilities of linux/capability.h, numbered 0..CAP_LAST_CAP without gaps', () => {
    expect(CAPABILITY.get('CAP_CHOWN')).toBe(0);
    expect(CAPABILITY.get('CAP_NET_BIND_SERVICE')).toBe(10);
    expect(CAPABILITY.get('CAP_SYS_ADMIN')).toBe(21);
    expect(LAST_CAP).toBeGreaterThanOrEqual(40); // CAP_CHECKPOINT_RESTORE, Linux 5.9
    const numbers = CAPABILITY_NAMES.map((n) => CAPABILITY.get(n));
    expect(numbers).toEqual(Array.from({ length: LAST_CAP + 1 }, (_, i) => i));
    expect(CAPABILITY_NAMES).not.toContain('CAP_LAST_CAP');
  });

  it('has Landlock up to ABI 5 rights and the rule types, an enum in the header', () => {
    expect(landlockConstant('LANDLOCK_ACCESS_FS_EXECUTE')).toBe(1n);
    expect(landlockConstant('LANDLOCK_ACCESS_FS_REFER')).toBe(1n << 13n);
    expect(landlockConstant('LANDLOCK_ACCESS_FS_TRUNCATE')).toBe(1n << 14n);
    expect(landlockConstant('LANDLOCK_ACCESS_FS_IOCTL_DEV')).toBe(1n << 15n);
    expect(landlockConstant('LANDLOCK_ACCESS_NET_BIND_TCP')).toBe(1n);
    expect(landlockConstant('LANDLOCK_ACCESS_NET_CONNECT_TCP')).toBe(2n);
    expect(landlockConstant('LANDLOCK_RULE_PATH_BENEATH')).toBe(1n);
    expect(landlockConstant('LANDLOCK_RULE_NET_PORT')).toBe(2n);
    expect(landlockConstant('LANDLOCK_CREATE_RULESET_VERSION')).toBe(1n);
    expect(LANDLOCK.has('LANDLOCK_SCOPE_SIGNAL')).toBe(true);
    expect(() => landlockConstant('LANDLOCK_NOPE')).toThrow(/npm run gen/);
  });

  it('records where the newer landlock.h came from in every arch table', () => {
    for (const table of Object.values(ARCH_TABLES)) {
      const sources = (table as { headerSources?: Record<string, string> }).headerSources;
      expect(sources?.landlock).toMatch(/^linux\/landlock\.h from linux-libc-dev \S+/);
      expect(sources?.landlock).not.toMatch(/FALLBACK/);
    }
  });

  it('has the sixteen resource limits under the names policies use', () => {
    expect(RLIMIT_NAMES).toEqual([
      'as',
      'core',
      'cpu',
      'data',
      'fsize',
      'locks',
      'memlock',
      'msgqueue',
      'nice',
      'nofile',
      'nproc',
      'rss',
      'rtprio',
      'rttime',
      'sigpending',
      'stack',
    ]);
    expect(rlimitResource('nofile')).toBe(RLIMIT.get('RLIMIT_NOFILE'));
    expect(rlimitResource('NOFILE')).toBe(7);
    expect(rlimitResource('bogus')).toBeUndefined();
  });

  it('documents every limit and knows which take sizes', () => {
    for (const name of RLIMIT_NAMES) expect(rlimitDescription(name)).toMatch(/: .+; .+\.$/);
    expect(RLIMIT_NAMES.filter(takesSizes)).toEqual([
      'as',
      'core',
      'data',
      'fsize',
      'memlock',
      'msgqueue',
      'rss',
      'stack',
    ]);
    expect(rlimitUnit('cpu')).toBe('seconds');
    expect(rlimitUnit('rttime')).toBe('microseconds');
    expect(rlimitDescription('future')).toBe('RLIMIT_FUTURE.');
  });
});

describe('capability names', () => {
  it('accepts the name with or without CAP_, in any case', () => {
    for (const written of [
      'CAP_NET_BIND_SERVICE',
      'NET_BIND_SERVICE',
      'net_bind_service',
      'Cap_Net_Bind_Service',
      ' net_bind_service ',
    ]) {
      expect(canonicalCapabilityName(written)).toBe('CAP_NET_BIND_SERVICE');
      expect(capabilityNumber(written)).toBe(10);
    }
  });

  it('rejects unknown names and the CAP_LAST_CAP bound', () => {
    expect(canonicalCapabilityName('NET_BIND')).toBeUndefined();
    expect(canonicalCapabilityName('LAST_CAP')).toBeUndefined();
    expect(canonicalCapabilityName('CAP_LAST_CAP')).toBeUndefined();
    expect(capabilityNumber('')).toBeUndefined();
  });

  it('names numbers back', () => {
    expect(capabilityName(21)).toBe('CAP_SYS_ADMIN');
    expect(capabilityName(LAST_CAP + 1)).toBeUndefined();
  });
});
