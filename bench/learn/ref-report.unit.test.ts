import { describe, expect, it } from 'vitest';
import { parseRefReport } from './ref-report';

describe('parseRefReport', () => {
  it('reads an exit', () => {
    expect(parseRefReport('{"notifications":169665,"exitCode":0,"signal":null}\n')).toEqual({
      notifications: 169665,
      exitCode: 0,
      signal: null,
    });
  });

  it('reads a death by signal', () => {
    expect(parseRefReport('{"notifications":49,"exitCode":null,"signal":9}')).toEqual({
      notifications: 49,
      exitCode: null,
      signal: 9,
    });
  });

  it('rejects text that is not JSON, quoting it', () => {
    expect(() => parseRefReport('ref-supervisor: poll: oops')).toThrow(/not JSON: "ref-supervisor/);
    expect(() => parseRefReport('')).toThrow(/not JSON/);
  });

  it('rejects a malformed report, naming the field', () => {
    expect(() => parseRefReport('{"notifications":-1,"exitCode":0,"signal":null}')).toThrow(
      /at notifications/,
    );
    expect(() => parseRefReport('{"notifications":1.5,"exitCode":0,"signal":null}')).toThrow(
      /at notifications/,
    );
    expect(() => parseRefReport('{"notifications":1,"exitCode":300,"signal":null}')).toThrow(
      /at exitCode/,
    );
    expect(() => parseRefReport('{"notifications":1,"exitCode":0}')).toThrow(/at signal/);
    expect(() =>
      parseRefReport('{"notifications":1,"exitCode":0,"signal":null,"extra":1}'),
    ).toThrow(/malformed/);
    expect(() => parseRefReport('[1]')).toThrow(/malformed/);
  });

  it('needs exactly one of exitCode and signal', () => {
    expect(() => parseRefReport('{"notifications":1,"exitCode":null,"signal":null}')).toThrow(
      /exactly one/,
    );
    expect(() => parseRefReport('{"notifications":1,"exitCode":0,"signal":9}')).toThrow(
      /exactly one/,
    );
  });
});
