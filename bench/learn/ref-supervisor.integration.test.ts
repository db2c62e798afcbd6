import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchPolicy, learnFilterBytes, NOTIFY_EVERYTHING_POLICY } from './learn-filter';
import { countOursEvents } from './ours-events';
import { parseRefReport, type RefReport } from './ref-report';
import { buildReferenceSupervisor } from './reference-build';
import { capturedRun } from './timed-run';
import { countingInvocation, type BenchTools } from './variants';
import { targetEnvironment } from './workloads';

const root = join(import.meta.dirname, '..', '..');
let dir = '';
let binary = '';
let filter = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ref-supervisor-test-'));
  binary = buildReferenceSupervisor(root, dir);
  filter = join(dir, 'learn.bpf');
  writeFileSync(filter, learnFilterBytes(benchPolicy()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function supervise(command: readonly string[], filterPath = filter) {
  return spawnSync(binary, [filterPath, '-', ...command], {
    encoding: 'utf8',
    env: targetEnvironment(process.env),
  });
}

function reportOf(command: readonly string[]): RefReport {
  const run = supervise(command);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return parseRefReport(run.stdout);
}

describe('the C reference supervisor', () => {
  it('runs a program to its end, counting every syscall from execve on', () => {
    const first = reportOf(['/bin/true']);
    expect(first.exitCode).toBe(0);
    expect(first.notifications).toBeGreaterThanOrEqual(2); // execve and exit_group at least
    expect(reportOf(['/bin/true'])).toEqual(first);
  });

  it('passes the program its arguments and reports its exit status and signal', () => {
    expect(reportOf(['/bin/sh', '-c', 'exit 7']).exitCode).toBe(7);
    expect(reportOf(['/bin/sh', '-c', 'kill -9 $$'])).toMatchObject({ exitCode: null, signal: 9 });
  });

  it('supervises children and orphans until the last one exits', () => {
    const start = performance.now();
    const report = reportOf(['/bin/sh', '-c', '(sleep 0.3; exit 0) & exit 0']);
    expect(performance.now() - start).toBeGreaterThanOrEqual(290);
    expect(report.exitCode).toBe(0);
    expect(report.notifications).toBeGreaterThan(
      reportOf(['/bin/sh', '-c', 'exit 0']).notifications,
    );
  });

  it('reports a program that cannot be executed as exit 127', () => {
    const run = supervise(['/nonexistent/program']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/execve \/nonexistent\/program: No such file or directory/);
    expect(parseRefReport(run.stdout).exitCode).toBe(127);
  });

  it('writes the report to a file when given one', () => {
    const path = join(dir, 'report.json');
    const run = spawnSync(binary, [filter, path, '/bin/true'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(parseRefReport(readFileSync(path, 'utf8')).exitCode).toBe(0);
  });

  it('refuses a filter file that is not whole instructions, and bad usage', () => {
    const bad = join(dir, 'bad.bpf');
    writeFileSync(bad, Buffer.alloc(7));
    for (const path of [bad, '/dev/null']) {
      const run = supervise(['/bin/true'], path);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/not 1\.\.4096 whole struct sock_filter instructions/);
    }
    expect(supervise(['/bin/true'], join(dir, 'missing.bpf')).stderr).toMatch(
      /missing\.bpf: No such file/,
    );
    expect(spawnSync(binary, [filter, '-', 'true'], { encoding: 'utf8' }).status).toBe(2);
  });

  it.runIf(existsSync(join(root, 'dist', 'main', 'cli.mjs')))(
    'counts as many notifications as learn mode reports syscalls',
    () => {
      const policyPath = join(dir, 'learn-bench.sandbox.yaml');
      writeFileSync(policyPath, NOTIFY_EVERYTHING_POLICY);
      const tools: BenchTools = {
        node: process.execPath,
        cli: join(root, 'dist', 'main', 'cli.mjs'),
        studioDriver: join(root, 'dist', 'bench', 'learn-studio.mjs'),
        policyPath,
        policyText: NOTIFY_EVERYTHING_POLICY,
        referenceBinary: binary,
        filterPath: filter,
        reportPath: '-',
      };
      const ours = capturedRun(countingInvocation(['/bin/true'], tools, process.env));
      expect(ours.status).toBe(0);
      expect(countOursEvents(ours.stdout).syscalls).toBe(reportOf(['/bin/true']).notifications);
    },
  );
});
