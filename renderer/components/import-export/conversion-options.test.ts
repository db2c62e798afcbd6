import { describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_CAPABILITIES } from '../../../app/formats/oci-seccomp';
import {
  capabilityList,
  DEFAULT_IMPORT_OPTIONS,
  exportOptionsOf,
  importOptionsOf,
  ociImportOptions,
  OptionError,
} from './conversion-options';
import { EXPORT_FORMATS, IMPORT_FORMATS } from './conversions';

describe('the options of each format', () => {
  it('are the CLI options: import --caps/--kernel for containers, --arch for all', () => {
    expect(Object.fromEntries(IMPORT_FORMATS.map((f) => [f.id, importOptionsOf(f.id)]))).toEqual({
      oci: ['caps', 'arch', 'kernel'],
      k8s: ['caps', 'arch', 'kernel'],
      systemd: ['arch'],
      minijail: ['arch'],
      strace: ['arch'],
      bpf: ['arch'],
    });
  });

  it('are the CLI options of export: --conditional, --name/--namespace, --no-tsync, --arch', () => {
    expect(Object.fromEntries(EXPORT_FORMATS.map((f) => [f.id, exportOptionsOf(f.id)]))).toEqual({
      oci: [],
      k8s: ['k8sName', 'k8sNamespace'],
      systemd: ['conditional'],
      minijail: ['arch'],
      bpf: ['arch'],
      c: ['tsync'],
      'libseccomp-c': ['tsync'],
      'windows-c': [],
      'freebsd-c': [],
    });
  });
});

describe('ociImportOptions', () => {
  it("defaults to Docker's capabilities, any kernel and the default host", () => {
    expect(ociImportOptions(DEFAULT_IMPORT_OPTIONS, 'd.json')).toEqual({
      source: 'd.json',
      capabilities: DOCKER_DEFAULT_CAPABILITIES,
    });
  });

  it('splits the capabilities at commas and spaces; empty is none', () => {
    expect(capabilityList(' CAP_KILL,sys_admin  NET_RAW,,')).toEqual([
      'CAP_KILL',
      'sys_admin',
      'NET_RAW',
    ]);
    expect(capabilityList('  ')).toEqual([]);
  });

  it("maps the arch to libseccomp's and keeps a version-like kernel", () => {
    const options = { caps: '', arch: 'i386', kernel: ' 5.15 ' } as const;
    expect(ociImportOptions(options, 's')).toEqual({
      source: 's',
      capabilities: [],
      arch: 'x86',
      kernelVersion: '5.15',
    });
  });

  it('refuses a kernel that is not a version', () => {
    for (const kernel of ['six', '6.1-rc1', '6..1', '1.2.3.4']) {
      expect(() => ociImportOptions({ ...DEFAULT_IMPORT_OPTIONS, kernel }, 's')).toThrow(
        OptionError,
      );
    }
    expect(() => ociImportOptions({ ...DEFAULT_IMPORT_OPTIONS, kernel: 'six' }, 's')).toThrow(
      'Host kernel: a version like 6.1, not "six"',
    );
  });
});
