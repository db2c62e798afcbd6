import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeExport } from '../../app/export/code-export';
import { compilePolicy } from '../../app/bpf/compile';
import { runFilter, seccompDataFor } from '../../app/bpf/emulate';
import type { BpfProgram } from '../../app/bpf/program';
import { actionReturnValue } from '../../app/bpf/actions';
import { AUDIT_ARCH } from '../../app/linux/constants';
import { interpretResolved } from '../../app/policy/interpret';
import type { Policy } from '../../app/policy/model';
import { resolvePolicy } from '../../app/policy/resolve';
import { canRunLinuxIntegration } from '../../native-bridge/linux/c-test-program';
import {
  EVERY_ACTION_POLICY,
  KILL_DEFAULT_POLICY,
  KILL_DEFAULT_PROBES,
  policyOf,
  PROBES,
  STRICT_POLICY,
} from './probe-policies';
import {
  buildProbe,
  observe,
  predict,
  runProbe,
  type BuildOptions,
  type Probe,
} from './syscall-probe';

/**
 * The tests both Linux code exports pass (linux-c and libseccomp-c integration tests): the export,
 * compiled with gcc -std=c2x -Wall -Werror and linked into a probe program, runs on the real
 * kernel, and for every probe what the kernel does after sandbox_apply() is exactly what the
 * studio's check mode (decideNotification on the studio's compiled filter) predicted.
 */

const isRoot = process.getuid?.() === 0;

type Exporter = (policy: Policy) => CodeExport;

function exported(text: string, exporter: Exporter, options: BuildOptions) {
  const policy = policyOf(text);
  const program: BpfProgram = compilePolicy(policy).program;
  return { policy, program, binary: buildProbe(exporter(policy).text, options) };
}

/** The interpreter (the policy's meaning) and the compiled filter agree on every probe. */
function expectInterpreterAgrees(text: string, program: BpfProgram, probes: readonly Probe[]) {
  const resolved = resolvePolicy(policyOf(text));
  for (const probe of probes) {
    const data = seccompDataFor(probe.nr, probe.args, AUDIT_ARCH.AUDIT_ARCH_X86_64);
    const meaning = actionReturnValue(interpretResolved(resolved, data));
    expect(runFilter(program, data).ret >>> 0, probe.label).toBe(meaning >>> 0);
  }
}

export function describeKernelAgreement(
  title: string,
  exporter: Exporter,
  options: BuildOptions = {},
  agreement: { readonly reportsThreadId: boolean } = { reportsThreadId: true },
): void {
  describe.runIf(canRunLinuxIntegration)(title, () => {
    describe('every action, conditions on 32- and 64-bit arguments, a foreign ABI', () => {
      let built: ReturnType<typeof exported>;
      beforeAll(() => {
        built = exported(EVERY_ACTION_POLICY, exporter, options);
      });

      it('compiles with gcc -std=c2x -Wall -Werror and the interpreter agrees with the filter', () => {
        expect(built.binary).toBeTruthy();
        expectInterpreterAgrees(EVERY_ACTION_POLICY, built.program, PROBES);
      });

      it.each(PROBES.map((p) => [p.label, p] as const))(
        'the kernel does what check mode predicts: %s',
        (_label, probe) => {
          expect(observe(built.binary, probe)).toEqual(predict(built.binary, built.program, probe));
        },
      );

      it('covers every kind of outcome: success, errno, signal', () => {
        const kinds = new Set(PROBES.map((p) => predict(built.binary, built.program, p).kind));
        expect([...kinds].sort()).toEqual(['errno', 'ok', 'signal']);
      });

      it('TSYNC: a thread started before sandbox_apply() is filtered too', () => {
        for (const probe of PROBES.filter((p) => /getuid|getgid|getpid|umask/.test(p.label))) {
          expect(observe(built.binary, probe, 'thread'), probe.label).toEqual(
            predict(built.binary, built.program, probe),
          );
        }
      });

      it('TSYNC failure: a thread with a filter of its own makes sandbox_apply() fail with -ESRCH', () => {
        const { stdout } = runProbe(built.binary, ['diverge']);
        const match = /^rc=(-?\d+) tid=(\d+) message=(.*)$/m.exec(stdout);
        expect(match, stdout).not.toBeNull();
        const [, rc, tid, message] = match ?? [];
        expect(Number(rc)).toBe(-3); // -ESRCH
        // libseccomp turns the kernel's thread id into ESRCH; the plain export keeps it.
        if (agreement.reportsThreadId) expect(message).toContain(`thread ${tid} `);
        expect(message).toContain('could not be synchronized (TSYNC); no filter was installed');
      });

      it.runIf(isRoot)('applies no_new_privs, dumpable, rlimits and capabilities', () => {
        const { stdout } = runProbe(built.binary, ['layers']);
        // CAP_NET_BIND_SERVICE is capability 10: 0x400 in effective, permitted and bounding.
        expect(stdout.trim()).toBe(
          'nnp=1 dumpable=0 nofile=64/64 eff=400 prm=400 inh=0 bnd=400 amb=0',
        );
      });
    });

    describe('default kill-process, bad_arch errno', () => {
      let built: ReturnType<typeof exported>;
      beforeAll(() => {
        built = exported(KILL_DEFAULT_POLICY, exporter, options);
      });

      it.each(KILL_DEFAULT_PROBES.map((p) => [p.label, p] as const))(
        'the kernel does what check mode predicts: %s',
        (_label, probe) => {
          expect(observe(built.binary, probe)).toEqual(predict(built.binary, built.program, probe));
        },
      );
    });

    it('seccomp strict mode: write still works, getpid is killed with SIGKILL', () => {
      const binary = buildProbe(exporter(policyOf(STRICT_POLICY)).text, options);
      const run = runProbe(binary, ['strict']);
      expect(run.stdout).toBe('strict\n');
      expect(run.outcome).toEqual({ kind: 'signal', signal: 'SIGKILL' });
    });
  });
}
