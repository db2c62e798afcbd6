import { describe, expect, it } from 'vitest';
import { countingInvocation, invocation, roundOrder, VARIANTS, type BenchTools } from './variants';

const tools: BenchTools = {
  node: '/usr/bin/node',
  cli: '/repo/dist/main/cli.mjs',
  policyPath: '/tmp/x/learn-bench.sandbox.yaml',
  referenceBinary: '/tmp/x/ref-supervisor',
  filterPath: '/tmp/x/learn-filter.bpf',
  reportPath: '/tmp/x/report.json',
};
const command = ['/usr/bin/find', '/usr/lib', '-name', '*.so'];
const env = { PATH: '/usr/bin', HOME: '/root', SECRET: 'x', NODE_OPTIONS: '--foo' };
const targetEnv = { PATH: '/usr/bin', HOME: '/root' };

describe('invocation', () => {
  it('runs the bare program with the environment a supervised target gets', () => {
    expect(invocation('unsupervised', command, tools, env)).toEqual({
      file: '/usr/bin/find',
      args: ['/usr/lib', '-name', '*.so'],
      env: targetEnv,
    });
  });

  it('runs the C reference with the filter file and the report path', () => {
    expect(invocation('reference', command, tools, env)).toEqual({
      file: '/tmp/x/ref-supervisor',
      args: ['/tmp/x/learn-filter.bpf', '/tmp/x/report.json', ...command],
      env: targetEnv,
    });
  });

  it('runs ours through the CLI without --json, with Node its own environment', () => {
    expect(invocation('ours', command, tools, env)).toEqual({
      file: '/usr/bin/node',
      args: ['/repo/dist/main/cli.mjs', 'learn', tools.policyPath, '--', ...command],
      env,
    });
    expect(countingInvocation(command, tools, env).args).toEqual([
      '/repo/dist/main/cli.mjs',
      'learn',
      '--json',
      tools.policyPath,
      '--',
      ...command,
    ]);
  });

  it('runs strace -f with its output thrown away', () => {
    expect(invocation('strace', command, tools, env)).toEqual({
      file: 'strace',
      args: ['-f', '-o', '/dev/null', ...command],
      env: targetEnv,
    });
  });

  it('gives targets a default PATH', () => {
    expect(invocation('unsupervised', ['/bin/true'], tools, {}).env).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
    });
  });
});

describe('roundOrder', () => {
  it('starts each round with the next variant and runs every variant once', () => {
    expect(roundOrder(0)).toEqual(VARIANTS);
    expect(roundOrder(1)).toEqual(['reference', 'ours', 'strace', 'unsupervised']);
    for (let round = 0; round < 9; round++) {
      expect([...roundOrder(round)].sort()).toEqual([...VARIANTS].sort());
      expect(roundOrder(round)[0]).toBe(VARIANTS[round % VARIANTS.length]);
    }
  });
});
