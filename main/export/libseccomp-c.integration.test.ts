import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { policyToLibseccompC } from '../../app/export/libseccomp-c';
import { describeKernelAgreement } from './kernel-agreement';

/**
 * Export → libseccomp C on the real kernel: the same probes as the plain C export, built with
 * -lseccomp (Debian's libseccomp-dev). libseccomp compiles its own BPF at run time; the kernel's
 * outcomes still match what check mode predicts from the studio's compiled filter.
 */
const haveLibseccomp = existsSync('/usr/include/seccomp.h');

if (haveLibseccomp) {
  describeKernelAgreement(
    'exported libseccomp C on the real kernel',
    policyToLibseccompC,
    {
      libraries: ['-lseccomp'],
    },
    { reportsThreadId: false },
  );
} else {
  describe('exported libseccomp C', () => {
    it.skip('needs libseccomp-dev (seccomp.h, libseccomp.so) to compile and link', () => {});
  });
}
