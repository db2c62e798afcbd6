import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToText, parseKmsgRecord, unescapeKmsg } from './kmsg-record';

// Records read from /dev/kmsg on the project's machine (Linux 6.18, x86_64).
const AUDIT_KILL =
  '5,543,9837998237,-;audit: type=1326 audit(1795444847.802:1229): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=31724 comm="f" exe="/tmp/obs/f" sig=31 arch=c000003e syscall=110 compat=0 ip=0x7fd05936e829 code=0x0\n';
const WITH_PROPERTIES =
  '6,194,291739,-;acpi PNP0A08:00: _OSC: OS supports [ExtendedConfig ASPM ClockPM Segments MSI HPX-Type3]\n SUBSYSTEM=acpi\n DEVICE=+acpi:PNP0A08:00\n';
const SUPPRESSED = '4,516,9511179268,-;kauditd_printk_skb: 824 callbacks suppressed\n';

describe('parseKmsgRecord', () => {
  it('splits the header of a real audit record', () => {
    const result = parseKmsgRecord(AUDIT_KILL);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record).toMatchObject({
      level: 5,
      facility: 0,
      seq: 543,
      timestampUs: 9837998237,
      flags: '-',
      extra: [],
      properties: {},
    });
    expect(result.record.message.startsWith('audit: type=1326 audit(')).toBe(true);
    expect(result.record.message.endsWith('code=0x0')).toBe(true);
  });

  it('reads continuation lines as properties', () => {
    const result = parseKmsgRecord(WITH_PROPERTIES);
    expect(result.ok && result.record.properties).toEqual({
      SUBSYSTEM: 'acpi',
      DEVICE: '+acpi:PNP0A08:00',
    });
    expect(result.ok && result.record.level).toBe(6);
  });

  it('keeps extra header fields and the facility', () => {
    const result = parseKmsgRecord('30,7,100,c,caller=T12;systemd[1]: hello');
    expect(result.ok && result.record).toMatchObject({
      level: 6,
      facility: 3,
      flags: 'c',
      extra: ['caller=T12'],
      message: 'systemd[1]: hello',
    });
  });

  it('parses the rate-limit notice', () => {
    const result = parseKmsgRecord(SUPPRESSED);
    expect(result.ok && result.record.message).toBe('kauditd_printk_skb: 824 callbacks suppressed');
  });

  it('keeps a ";" inside the message', () => {
    const result = parseKmsgRecord('6,1,2,-;a; b');
    expect(result.ok && result.record.message).toBe('a; b');
  });

  it.each([
    ['6,1,2,-', 'no ";"', 1, 8],
    ['6,1,2;x', '3 comma-separated fields', 1, 6],
    ['x,1,2,-;m', 'priority "x"', 1, 1],
    ['6,1,2e,-;m', 'timestamp "2e"', 1, 5],
    ['6,,2,-;m', 'sequence number ""', 1, 3],
    ['6,1,2,-;m\nSUBSYSTEM=acpi', 'must start with a space', 2, 1],
    ['6,1,2,-;m\n novalue', 'KEY=VALUE', 2, 2],
  ])('rejects %j with a located error', (text, message, line, column) => {
    const result = parseKmsgRecord(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(message);
    expect(result.error).toMatchObject({ line, column });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseKmsgRecord(text);
      }),
    );
  });
});

/** UTF-8 bytes of a string, without Node's Buffer (app/ stays free of Node APIs). */
function utf8Bytes(text: string): number[] {
  const encoded = encodeURIComponent(text);
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length;) {
    if (encoded[i] === '%') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(encoded.charCodeAt(i));
      i += 1;
    }
  }
  return bytes;
}

describe('unescapeKmsg', () => {
  it('turns \\xNN back into bytes, decoding UTF-8 runs', () => {
    expect(unescapeKmsg('a\\x5cb')).toBe('a\\b');
    expect(unescapeKmsg('tab\\x09end')).toBe('tab\tend');
    expect(unescapeKmsg('caf\\xc3\\xa9')).toBe('café');
  });

  it('leaves text without escapes alone', () => {
    expect(unescapeKmsg('plain \\n text')).toBe('plain \\n text');
  });

  it('shows invalid UTF-8 as escapes instead of guessing', () => {
    expect(bytesToText([0x61, 0xff])).toBe('a\\xff');
  });

  it('round-trips any string escaped the way the kernel does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const bytes = utf8Bytes(text);
        const escaped = bytes
          .map((b) =>
            b < 0x20 || b >= 0x7f || b === 0x5c
              ? `\\x${b.toString(16).padStart(2, '0')}`
              : String.fromCharCode(b),
          )
          .join('');
        expect(unescapeKmsg(escaped)).toBe(text);
      }),
    );
  });
});
