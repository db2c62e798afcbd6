import { policyToLinuxC } from '../../app/export/linux-c';
import { describe, expect, it } from 'vitest';
import { canRunLinuxIntegration } from '../../native-bridge/linux/c-test-program';
import { describeKernelAgreement } from './kernel-agreement';
import { EVERY_ACTION_POLICY, policyOf, PROBES, STRICT_POLICY } from './probe-policies';
import { buildProbe, compileOnly, observe } from './syscall-probe';

/**
 * Export → C (no library) on the real kernel: the studio's compiled filter as a sock_filter array,
 * installed with seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC), plus the other
 * layers. Kernel outcomes match check mode's predictions probe by probe (kernel-agreement.ts).
 */
describeKernelAgreement('exported Linux C on the real kernel', policyToLinuxC);

describe.runIf(canRunLinuxIntegration)('exported Linux C: [[nodiscard]]', () => {
  it('a caller that ignores the result of sandbox_apply() does not compile with -Werror', () => {
    const source = `${policyToLinuxC(policyOf(STRICT_POLICY)).text}\nint main(void)\n{\n\tsandbox_apply();\n\treturn 0;\n}\n`;
    let stderr = '';
    try {
      compileOnly('gcc', source, ['-std=c2x', '-Wall', '-Werror']);
    } catch (error) {
      stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    }
    expect(stderr).toMatch(
      /ignoring return value of .sandbox_apply., declared with attribute .nodiscard./,
    );
  });
});

describe.runIf(canRunLinuxIntegration)('exported Linux C without TSYNC', () => {
  it('filters the calling thread, but not a thread that existed before sandbox_apply()', () => {
    const binary = buildProbe(policyToLinuxC(policyOf(EVERY_ACTION_POLICY), { tsync: false }).text);
    const getuid = PROBES.find((p) => p.label.startsWith('getuid'));
    if (!getuid) throw new Error('no getuid probe');
    expect(observe(binary, getuid)).toEqual({ kind: 'errno', errno: 13 });
    expect(observe(binary, getuid, 'thread')).toEqual({ kind: 'ok' });
  });
});
