import { describe, expect, it } from 'vitest';
import { NOTIFY_EVERYTHING_POLICY } from './learn-filter';
import { StudioDriverRequest } from './studio-protocol';
import {
  countingInvocation,
  invocation,
  roundOrder,
  STUDIO_PAUSE_MS,
  STUDIO_WARMUPS,
  VARIANTS,
  type BenchTools,
} from './variants';

const tools: BenchTools = {
  node: '/usr/bin/node',
  cli: '/repo/dist/main/cli.mjs',
  studioDriver: '/repo/dist/bench/learn-studio.mjs',
  policyPath: '/tmp/x/learn-bench.sandbox.yaml',
  policyText: NOTIFY_EVERYTHING_POLICY,
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

  it('runs the studio driver with the workload as the policy target, warm-up and pauses', () => {
    const run = invocation('studio', command, tools, env);
    expect(run.file).toBe('/usr/bin/node');
    expect(run.env).toBe(env);
    expect(run.args[0]).toBe('/repo/dist/bench/learn-studio.mjs');
    const request = StudioDriverRequest.parse(JSON.parse(run.args[1] ?? ''));
    expect(request).toMatchObject({ warmups: STUDIO_WARMUPS, runs: 1, pauseMs: STUDIO_PAUSE_MS });
    expect(request.policyText).toContain(`target: { command: ${JSON.stringify(command)} }`);
    expect(STUDIO_PAUSE_MS).toBeGreaterThanOrEqual(500);
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
    expect(roundOrder(1)).toEqual(['reference', 'studio', 'ours', 'strace', 'unsupervised']);
    for (let round = 0; round < 9; round++) {
      expect([...roundOrder(round)].sort()).toEqual([...VARIANTS].sort());
      expect(roundOrder(round)[0]).toBe(VARIANTS[round % VARIANTS.length]);
    }
  });
});
