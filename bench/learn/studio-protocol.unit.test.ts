import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import { benchPolicy, learnFilterBytes, NOTIFY_EVERYTHING_POLICY } from './learn-filter';
import { parseStudioResult, studioPolicyText } from './studio-protocol';

describe('studioPolicyText', () => {
  it('gives the benchmark policy the workload as its target, and nothing else changes', () => {
    const command = ['/usr/bin/python3', '-c', 'import json, ssl'];
    const text = studioPolicyText(NOTIFY_EVERYTHING_POLICY, command);
    const { policy, diagnostics } = parsePolicy(text);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(policy?.target?.command).toEqual(command);
    // The studio installs the very filter the C reference gets.
    expect(learnFilterBytes(benchPolicy(text))).toEqual(learnFilterBytes(benchPolicy()));
  });

  it('needs a linux section to put the target before', () => {
    expect(() => studioPolicyText('version: 1\n', ['/bin/true'])).toThrow(/no linux: section/);
  });
});

describe('parseStudioResult', () => {
  it('reads the driver’s line of JSON', () => {
    const line = '{"runs":[{"ms":1234.5,"exitCode":0,"syscalls":173409}]}\n';
    expect(parseStudioResult(line)).toEqual({
      runs: [{ ms: 1234.5, exitCode: 0, syscalls: 173409 }],
    });
  });

  it('says what is wrong with output that is not a result', () => {
    expect(() => parseStudioResult('oops')).toThrow(/not JSON: "oops"/);
    expect(() => parseStudioResult('{"runs":[]}')).toThrow(/malformed at runs/);
    expect(() => parseStudioResult('{"runs":[{"ms":-1,"exitCode":0,"syscalls":1}]}')).toThrow(
      /malformed at runs\.0\.ms/,
    );
  });
});
