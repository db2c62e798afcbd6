import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from './json-schema';
import { parsePolicy } from './parse';
import { describeDiagnostic, yaml } from './test-helpers';
import { CAPSICUM_RIGHTS, canonicalRight, descriptorNumber } from './freebsd-schema';
import { mitigationFlags, WINDOWS_MITIGATION_NAMES } from './windows-schema';

function errors(text: string): string[] {
  return parsePolicy(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map(describeDiagnostic);
}

function policyOf(text: string) {
  const result = parsePolicy(text);
  expect(result.diagnostics.filter((d) => d.severity === 'error').map(describeDiagnostic)).toEqual(
    [],
  );
  if (!result.policy) throw new Error('no policy');
  return result.policy;
}

const withoutRanges = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'range' ? undefined : v)));

describe('windows: the model', () => {
  it('keeps the mitigations with a flag set, in file order, flags in table order', () => {
    const policy = policyOf(yaml`
      version: 1
      windows:
        mitigations:
          cfg: { strict: true, enable: true }
          dep: { enable: true }
          fonts: { disable_non_system: false }
          aslr: { high_entropy: true, bottom_up: true }
    `);
    expect(withoutRanges(policy.windows)).toEqual({
      mitigations: [
        { name: 'cfg', flags: ['enable', 'strict'] },
        { name: 'dep', flags: ['enable'] },
        { name: 'aslr', flags: ['bottom_up', 'high_entropy'] },
      ],
    });
    expect(policy.windows?.mitigations[1]?.range.start).toMatchObject({ line: 5, column: 10 });
    expect(policy.linux).toEqual({ noNewPrivs: true });
  });

  it('is absent when not written, and empty when only false flags are', () => {
    expect(policyOf('version: 1\n').windows).toBeUndefined();
    const policy = policyOf('version: 1\nwindows: { mitigations: { dep: { enable: false } } }\n');
    expect(policy.windows?.mitigations).toEqual([]);
  });

  it('models every mitigation of the table', () => {
    const all = WINDOWS_MITIGATION_NAMES.map(
      (name) =>
        `    ${name}: { ${mitigationFlags(name)
          .map((f) => `${f}: true`)
          .join(', ')} }`,
    ).join('\n');
    const policy = policyOf(`version: 1\nwindows:\n  mitigations:\n${all}\n`);
    expect(policy.windows?.mitigations.map((m) => m.name)).toEqual(WINDOWS_MITIGATION_NAMES);
  });
});

describe('windows: validation with locations', () => {
  it('reports a flag that needs another one, at its key', () => {
    expect(
      errors(yaml`
        version: 1
        windows:
          mitigations:
            aslr: { disallow_stripped_images: true }
            cfg:
              strict: true
            dynamic_code: { allow_thread_opt_out: true, prohibit: false }
      `),
    ).toEqual([
      '4:13-4:37 error windows-mitigation: aslr.disallow_stripped_images needs force_relocate: true (without it, it has no effect)',
      '6:7-6:13 error windows-mitigation: cfg.strict needs enable: true (without it, it has no effect)',
      '7:21-7:41 error windows-mitigation: dynamic_code.allow_thread_opt_out needs prohibit: true (without it, it has no effect)',
    ]);
  });

  it('reports unknown mitigations and flags with a suggestion', () => {
    expect(
      errors('version: 1\nwindows:\n  mitigations:\n    aslr: { bottomup: true }\n    dpe: {}\n'),
    ).toEqual([
      '4:13-4:21 error unknown-key: unknown key "bottomup"; did you mean bottom_up? (allowed keys: bottom_up, force_relocate, high_entropy, disallow_stripped_images)',
      expect.stringMatching(/^5:5-5:8 error unknown-key: unknown key "dpe"; did you mean dep\?/),
    ]);
  });

  it('reports wrong types', () => {
    expect(
      errors('version: 1\nwindows:\n  mitigations:\n    dep: { enable: yes please }\n'),
    ).toEqual([
      '4:20-4:30 error invalid-type: expected true or false, got the string "yes please"',
    ]);
    expect(errors('version: 1\nwindows: [dep]\n')[0]).toMatch(
      /expected a mapping with mitigations/,
    );
  });
});

describe('freebsd: the model', () => {
  it('reads descriptors by name or number, rights in any spelling, the long form, file order', () => {
    const policy = policyOf(yaml`
      version: 1
      freebsd:
        capsicum:
          limit:
            stdout: [write, CAP_FSTAT, write]
            3: { rights: [READ, ioctl, fcntl], ioctls: [FIONREAD, 0x4004667f], fcntls: [getfl] }
            stdin: []
    `);
    expect(withoutRanges(policy.freebsd)).toEqual({
      capsicum: {
        enter: true,
        limits: [
          { fd: 1, written: 'stdout', rights: ['write', 'fstat'] },
          {
            fd: 3,
            written: '3',
            rights: ['read', 'ioctl', 'fcntl'],
            fcntls: ['getfl'],
            ioctls: ['FIONREAD', 0x4004667f],
          },
          { fd: 0, written: 'stdin', rights: [] },
        ],
      },
    });
    expect(policy.freebsd?.capsicum?.limits[1]?.range.start.line).toBe(6);
  });

  it('enters capability mode by default; enter: false only limits', () => {
    expect(policyOf('version: 1\nfreebsd: { capsicum: {} }\n').freebsd?.capsicum).toMatchObject({
      enter: true,
      limits: [],
    });
    expect(
      policyOf('version: 1\nfreebsd: { capsicum: { enter: false } }\n').freebsd?.capsicum?.enter,
    ).toBe(false);
  });

  it('knows the names of sys/capsicum.h', () => {
    expect(CAPSICUM_RIGHTS).toContain('sock_client');
    expect(canonicalRight('CAP_MMAP_RX')).toBe('mmap_rx');
    expect(canonicalRight('poll_event')).toBeUndefined();
    expect(descriptorNumber('stderr')).toBe(2);
    expect(descriptorNumber('007')).toBeUndefined();
    expect(descriptorNumber('4294967296')).toBeUndefined();
  });
});

describe('freebsd: validation with locations', () => {
  it('reports unknown rights with a suggestion', () => {
    expect(
      errors('version: 1\nfreebsd:\n  capsicum:\n    limit:\n      stdin: [raed, poll_event]\n'),
    ).toEqual([
      '5:15-5:19 error unknown-capsicum-right: unknown Capsicum right "raed"; did you mean read?',
      '5:21-5:31 error unknown-capsicum-right: unknown Capsicum right "poll_event"; CAP_POLL_EVENT is the old name of event',
    ]);
  });

  it('reports descriptors that are not, and one descriptor written twice', () => {
    expect(
      errors(yaml`
        version: 1
        freebsd:
          capsicum:
            limit:
              stdio: [read]
              1: [write]
              stdout: [write]
      `),
    ).toEqual([
      '5:7-5:12 error invalid-descriptor: "stdio" is not a descriptor: write stdin, stdout, stderr or a descriptor number',
      '7:7-7:13 error invalid-descriptor: "stdout" is descriptor 1, already limited as "1"',
    ]);
  });

  it('reports fcntls or ioctls without the right they limit, and bad ioctl commands', () => {
    expect(
      errors(yaml`
        version: 1
        freebsd:
          capsicum:
            limit:
              stdin: { rights: [read], fcntls: [getfl], ioctls: ["not a name", -1] }
      `),
    ).toEqual([
      '5:32-5:38 error capsicum-limit: "fcntls" limits what the fcntl right allows, but the rights do not include fcntl',
      '5:49-5:55 error capsicum-limit: "ioctls" limits what the ioctl right allows, but the rights do not include ioctl',
      '5:58-5:70 error invalid-ioctl: "not a name" is not an ioctl command name (a C identifier such as FIONREAD)',
      '5:72-5:74 error invalid-ioctl: an ioctl command is a number from 0 to 0xffffffff, not -1',
    ]);
  });

  it('reports an unknown fcntl command', () => {
    expect(
      errors(
        'version: 1\nfreebsd: { capsicum: { limit: { 0: { rights: [fcntl], fcntls: [dupfd] } } } }\n',
      )[0],
    ).toMatch(/unknown fcntl command "dupfd"; cap_fcntls_limit takes getfl, setfl, getown, setown/);
  });
});

describe('editor support (JSON Schema)', () => {
  const schema = policyJsonSchema() as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
  };

  it('offers windows and freebsd with their keys for completion', () => {
    const windows = JSON.stringify(schema.properties.windows);
    for (const name of WINDOWS_MITIGATION_NAMES) expect(windows).toContain(`"${name}"`);
    expect(windows).toContain('"disallow_stripped_images"');
    const freebsd = JSON.stringify(schema.properties.freebsd);
    expect(freebsd).toContain('"enter"');
    for (const right of ['read', 'fstat', 'sock_server', 'kqueue_change']) {
      expect(freebsd).toContain(`"${right}"`);
    }
    expect(freebsd).toContain('"getfl"');
  });
});
