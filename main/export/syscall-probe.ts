import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seccompDataFor } from '../../app/bpf/emulate';
import type { BpfProgram } from '../../app/bpf/program';
import { AUDIT_ARCH } from '../../app/linux/constants';
import { decideNotification } from '../../app/supervision/decide';
import { PROBE_PROGRAM } from './probe-program';

/**
 * For the code-export integration tests: builds an exported sandbox.c with the probe program
 * (probe-program.ts), runs probes, and says what the studio's check mode predicts for each.
 */

/** What happened to the probe's syscall, as the tests compare it. */
export type ProbeOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'errno'; readonly errno: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'other'; readonly text: string };

export interface BuildOptions {
  /** Extra compiler arguments after the sources, e.g. `-lseccomp`. */
  readonly libraries?: readonly string[];
}

/** Compiles sandbox.c (as given) and the probe with gcc -std=c2x -Wall -Werror; the binary's path. */
export function buildProbe(sandboxC: string, options: BuildOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'code-export-'));
  const sandbox = join(dir, 'sandbox.c');
  const probe = join(dir, 'probe.c');
  const binary = join(dir, 'probe');
  writeFileSync(sandbox, sandboxC);
  writeFileSync(probe, PROBE_PROGRAM);
  const flags = ['-std=c2x', '-Wall', '-Werror', '-O1', '-pthread'];
  execFileSync('gcc', [...flags, '-o', binary, sandbox, probe, ...(options.libraries ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return binary;
}

/** Compiles one C file to an object with gcc; throws with gcc's messages when it fails. */
export function compileOnly(compiler: string, source: string, flags: readonly string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'code-export-'));
  const file = join(dir, 'sandbox.c');
  writeFileSync(file, source);
  execFileSync(compiler, [...flags, '-c', '-o', join(dir, 'sandbox.o'), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface ProbeRun {
  readonly outcome: ProbeOutcome;
  readonly stdout: string;
}

export function runProbe(binary: string, args: readonly string[], sandboxed = true): ProbeRun {
  const env = { ...process.env, ...(sandboxed ? {} : { PROBE_NO_SANDBOX: '1' }) };
  if (sandboxed) delete env.PROBE_NO_SANDBOX;
  const run = spawnSync(binary, args, { env, encoding: 'utf8', timeout: 10_000 });
  const stdout = run.stdout ?? '';
  if (run.signal) return { outcome: { kind: 'signal', signal: run.signal }, stdout };
  const lines = stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const errno = /^errno (\d+)$/.exec(last);
  if (last === 'ok') return { outcome: { kind: 'ok' }, stdout };
  if (errno) return { outcome: { kind: 'errno', errno: Number(errno[1]) }, stdout };
  return { outcome: { kind: 'other', text: `${stdout}${run.stderr ?? ''}` }, stdout };
}

export interface Probe {
  readonly label: string;
  readonly nr: number;
  readonly args: readonly bigint[];
}

function probeArgs(mode: 'call' | 'thread', probe: Probe): string[] {
  return [mode, `0x${probe.nr.toString(16)}`, ...probe.args.map((a) => `0x${a.toString(16)}`)];
}

/** Runs a probe sandboxed, on the main thread or on a thread started before sandbox_apply(). */
export function observe(
  binary: string,
  probe: Probe,
  mode: 'call' | 'thread' = 'call',
): ProbeOutcome {
  return runProbe(binary, probeArgs(mode, probe)).outcome;
}

/**
 * What check mode predicts: decideNotification on the studio's compiled filter. A syscall it lets
 * continue does whatever it does unsandboxed, so that is run to know.
 */
export function predict(binary: string, program: BpfProgram, probe: Probe): ProbeOutcome {
  const data = seccompDataFor(probe.nr, probe.args, AUDIT_ARCH.AUDIT_ARCH_X86_64);
  const decision = decideNotification('check', program, data);
  if (decision.signal) return { kind: 'signal', signal: decision.signal.name };
  if (decision.reply.kind === 'errno') return { kind: 'errno', errno: decision.reply.errno };
  return runProbe(binary, probeArgs('call', probe), false).outcome;
}
