import { describe, expect, it } from 'vitest';
import dockerDefault from '../../../bench/profiles/docker-default.json?raw';
import layersExample from '../../../examples/layers.sandbox.yaml?raw';
import sshExample from '../../../examples/openssh-preauth.sandbox.yaml?raw';
import { parsePolicy } from '../../../app/policy/parse';
import type { Policy } from '../../../app/policy/model';
import {
  DEFAULT_EXPORT_OPTIONS,
  DEFAULT_IMPORT_OPTIONS,
  type ExportOptions,
  type ImportOptions,
} from './conversion-options';
import {
  EXPORT_FORMATS,
  exportFileName,
  exportPolicy,
  IMPORT_FORMATS,
  importPolicy,
  MAX_IMPORT_BYTES,
  noteLocation,
  type ExportFormat,
  type ExportResult,
  type ImportResult,
} from './conversions';

function policyOf(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!policy) throw new Error('no policy');
  return policy;
}

const LAYERED = policyOf(layersExample);
const SSH = policyOf(sshExample);

describe('exportPolicy', () => {
  it('exports every format the CLI does, plus the C languages', () => {
    expect(EXPORT_FORMATS.map((f) => f.id)).toEqual([
      'oci',
      'k8s',
      'systemd',
      'minijail',
      'bpf',
      'c',
      'libseccomp-c',
      'windows-c',
      'freebsd-c',
    ]);
    for (const { id } of EXPORT_FORMATS) {
      const result = exportPolicy(id, SSH, 'openssh-preauth.sandbox.yaml');
      if (id === 'windows-c' || id === 'freebsd-c') {
        // The example has no Windows or FreeBSD section: an error that says what to add.
        expect(result.ok, id).toBe(false);
        if (!result.ok) expect(result.error.message, id).toMatch(/add (windows|freebsd)\./);
        continue;
      }
      if (!result.ok) throw new Error(`${id}: ${result.error.message}`);
      expect(result.text.length, id).toBeGreaterThan(0);
    }
  });

  it('gives OCI as JSON with the policy syscalls', () => {
    const result = exportPolicy('oci', SSH, 'openssh-preauth.sandbox.yaml');
    if (!result.ok) throw new Error(result.error.message);
    const profile = JSON.parse(result.text) as { syscalls: { names: string[] }[] };
    expect(profile.syscalls.flatMap((s) => s.names)).toContain('pselect6');
  });

  it('gives the compiled filter as hex lines', () => {
    const result = exportPolicy('bpf', SSH, 'openssh-preauth.sandbox.yaml');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.text).toMatch(/^(0x[0-9a-f]{2} 0x[0-9a-f]{2} 0x[0-9a-f]{2} 0x[0-9a-f]{8}\n)+$/);
    expect(result.warnings).toEqual([]);
  });

  it("reports what a format cannot express at the policy's lines", () => {
    const systemd = exportPolicy('systemd', LAYERED, 'layers.sandbox.yaml');
    if (!systemd.ok) throw new Error(systemd.error.message);
    expect(systemd.text).toContain('SystemCallFilter=');
    expect(systemd.warnings.length).toBeGreaterThan(0);
    const c = exportPolicy('c', LAYERED, 'layers.sandbox.yaml');
    if (!c.ok) throw new Error(c.error.message);
    expect(c.text).toContain('#include');
    expect(c.warnings.length).toBeGreaterThan(0);
    for (const w of [...systemd.warnings, ...c.warnings].filter((w) => w.range)) {
      expect(noteLocation(w)).toMatch(/^\d+:\d+$/);
    }
  });
});

describe('importPolicy', () => {
  it('lists the formats the CLI imports', () => {
    expect(IMPORT_FORMATS.map((f) => f.id)).toEqual([
      'oci',
      'k8s',
      'systemd',
      'minijail',
      'strace',
      'bpf',
    ]);
  });

  it("imports Docker's default profile from file bytes as a policy that parses cleanly", () => {
    const bytes = new TextEncoder().encode(dockerDefault);
    const result = importPolicy('oci', { name: 'docker-default.json', content: bytes });
    if (!result.ok) throw new Error(result.error.message);
    const { diagnostics } = parsePolicy(result.policyText);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.policyText).toContain('version: 1');
  });

  it('round-trips an exported OCI profile as pasted text', () => {
    const exported = exportPolicy('oci', SSH, 'openssh-preauth.sandbox.yaml');
    if (!exported.ok) throw new Error(exported.error.message);
    const result = importPolicy('oci', { name: 'pasted text', content: exported.text });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.policyText).toContain('pselect6');
  });

  it('imports a raw filter given as hex text', () => {
    const exported = exportPolicy('bpf', SSH, 'openssh-preauth.sandbox.yaml');
    if (!exported.ok) throw new Error(exported.error.message);
    const result = importPolicy('bpf', { name: 'ssh.bpf.hex', content: exported.text });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.policyText).toContain('pselect6');
  });

  it('imports an strace log', () => {
    const log = [
      '1234  openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3',
      '1234  read(3, "root:x:0:0"..., 4096) = 10',
      '1234  close(3) = 0',
      '1234  exit_group(0) = ?',
      '1234  +++ exited with 0 +++',
    ].join('\n');
    const result = importPolicy('strace', { name: 'run.strace', content: log });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.policyText).toContain('openat');
  });

  it('reports malformed input with its line and column', () => {
    const result = importPolicy('oci', {
      name: 'bad.json',
      content: '{\n  "defaultAction": 3,\n}',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message.length).toBeGreaterThan(0);
    expect(noteLocation(result.error)).toMatch(/^\d+:\d+$/);
  });

  it('refuses binary data where text is expected, empty and oversized input', () => {
    const binary = importPolicy('oci', { name: 'x.bin', content: new Uint8Array([0xff, 0xfe]) });
    expect(binary).toMatchObject({ ok: false, error: { message: 'x.bin is not UTF-8 text' } });
    expect(importPolicy('systemd', { name: 'e', content: '' })).toMatchObject({
      ok: false,
      error: { message: 'e is empty' },
    });
    const huge = { name: 'big', content: '', size: MAX_IMPORT_BYTES + 1 };
    expect(importPolicy('strace', huge)).toMatchObject({
      ok: false,
      error: { message: 'big is too large' },
    });
  });

  it('says a minijail @include cannot be read here, at its line', () => {
    const result = importPolicy('minijail', {
      name: 'p.policy',
      content: 'read: 1\n@include other.policy\n',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain('other.policy');
    expect(result.error.range?.start.line).toBe(2);
  });
});

describe('noteLocation', () => {
  const range = {
    start: { line: 3, column: 5, offset: 0 },
    end: { line: 3, column: 6, offset: 1 },
  };
  it('is line:column, with the file when it is another one', () => {
    expect(noteLocation({ message: 'm' })).toBe('');
    expect(noteLocation({ message: 'm', range })).toBe('3:5');
    expect(noteLocation({ message: 'm', range, file: 'inc.policy' })).toBe('inc.policy:3:5');
  });
});

describe('exportFileName', () => {
  it("takes the document's stem, else the policy's name, and the format's suffix", () => {
    expect(exportFileName('oci', 'ls', 'ls.sandbox.yaml')).toBe('ls.oci.json');
    expect(exportFileName('systemd', 'OpenSSH pre-auth', null)).toBe('openssh-pre-auth.conf');
    expect(exportFileName('c', undefined, null)).toBe('policy.seccomp.c');
    expect(exportFileName('bpf', undefined, null)).toBe('policy.bpf.hex');
  });
});

describe('the dialog options reach the converters', () => {
  const docker = { name: 'docker-default.json', content: dockerDefault };
  const importWith = (options: Partial<ImportOptions>) =>
    importPolicy('oci', docker, { ...DEFAULT_IMPORT_OPTIONS, ...options });
  const textOf = (result: ImportResult | ExportResult): string => {
    if (!result.ok) throw new Error(result.error.message);
    return 'policyText' in result ? result.policyText : result.text;
  };

  it('imports OCI for the chosen capabilities, host arch and kernel', () => {
    const admin = textOf(importWith({ caps: 'sys_admin' }));
    expect(admin).toContain('# Container capabilities: CAP_SYS_ADMIN.');
    expect(admin).toMatch(/\bumount2\b/);
    expect(textOf(importWith({}))).not.toMatch(/\bumount2\b/);
    expect(textOf(importWith({ arch: 'aarch64' }))).toContain('# Host: aarch64');
    expect(textOf(importWith({ kernel: '4.0' }))).toContain('needs kernel 4.8');
    const k8s = importPolicy(
      'k8s',
      {
        name: 'p.yaml',
        content: [
          'apiVersion: security-profiles-operator.x-k8s.io/v1beta1',
          'kind: SeccompProfile',
          'metadata: { name: p }',
          'spec:',
          '  defaultAction: SCMP_ACT_ERRNO',
          '  syscalls:',
          '    - { names: [read], action: SCMP_ACT_ALLOW }',
        ].join('\n'),
      },
      { ...DEFAULT_IMPORT_OPTIONS, caps: 'BPF' },
    );
    expect(textOf(k8s)).toContain('# Container capabilities: CAP_BPF.');
  });

  it('reports bad options as the import error', () => {
    expect(importWith({ caps: 'CAP_FLY' })).toMatchObject({
      ok: false,
      error: { message: 'unknown capability "CAP_FLY"' },
    });
    expect(importWith({ kernel: 'latest' })).toMatchObject({
      ok: false,
      error: { message: 'Host kernel: a version like 6.1, not "latest"' },
    });
  });

  it('reads the other formats as the chosen arch', () => {
    const log = '1 getpid() = 1\n';
    const result = importPolicy(
      'strace',
      { name: 'a.log', content: log },
      { ...DEFAULT_IMPORT_OPTIONS, arch: 'aarch64' },
    );
    expect(textOf(result)).toContain('arch: [aarch64]');
  });

  const exportWith = (format: ExportFormat, policy: Policy, options: Partial<ExportOptions>) =>
    exportPolicy(format, policy, 'p.sandbox.yaml', { ...DEFAULT_EXPORT_OPTIONS, ...options });

  it('exports systemd with conditional syscalls denied or allowed', () => {
    const deny = textOf(exportWith('systemd', SSH, { conditional: 'deny' }));
    const allow = textOf(exportWith('systemd', SSH, { conditional: 'allow' }));
    expect(deny).not.toBe(allow);
    expect(textOf(exportWith('systemd', SSH, {}))).toBe(deny);
  });

  it('exports k8s with the given name and namespace', () => {
    const text = textOf(exportWith('k8s', SSH, { k8sName: 'sshd', k8sNamespace: ' prod ' }));
    expect(text).toMatch(/name: sshd/);
    expect(text).toMatch(/namespace: "prod"/);
    expect(textOf(exportWith('k8s', SSH, {}))).not.toMatch(/namespace:/);
  });

  it('exports C without TSYNC when asked', () => {
    for (const format of ['c', 'libseccomp-c'] as const) {
      const tsync = textOf(exportWith(format, SSH, {}));
      const plain = textOf(exportWith(format, SSH, { tsync: false }));
      expect(tsync, format).toContain('TSYNC');
      expect(plain, format).not.toBe(tsync);
    }
    expect(textOf(exportWith('c', SSH, { tsync: false }))).not.toContain(
      'SECCOMP_FILTER_FLAG_TSYNC,',
    );
  });

  it('exports minijail and bpf for the chosen arch', () => {
    const multi = policyOf(
      'version: 1\nlinux:\n  seccomp:\n    arch: [x86_64, i386]\n    default: kill-process\n    rules:\n      - allow: [read, write]\n',
    );
    const x86 = textOf(exportWith('minijail', multi, {}));
    const i386 = textOf(exportWith('minijail', multi, { arch: 'i386' }));
    expect(x86).not.toBe(i386);
    const all = textOf(exportWith('bpf', multi, {}));
    const one = textOf(exportWith('bpf', multi, { arch: 'i386' }));
    expect(one.split('\n').length).toBeLessThan(all.split('\n').length);
  });
});
