import { spawn } from 'node:child_process';
import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { errnoByName } from '../../app/linux/errno';
import { canRunLinuxIntegration } from './c-test-program';
import { libc } from './libc';
import { prepareThreadWake, wakeThread } from './thread-wake';

describe.runIf(canRunLinuxIntegration)('waking a thread out of a blocking call', () => {
  it('installs a handler without SA_RESTART: a blocked read returns EINTR', async () => {
    const wake = prepareThreadWake();
    expect(wake.tid).toBe(process.pid); // the test runs on the main thread
    expect(prepareThreadWake().signal).toBe(wake.signal); // one signal per process
    const lib = koffi.load('libc.so.6');
    const pipe = lib.func('int pipe(_Out_ int *fds)');
    const read = lib.func('long read(int, void *, unsigned long)');
    const fds = [0, 0];
    expect(pipe(fds)).toBe(0);
    const [readEnd = -1, writeEnd = -1] = fds;
    // The signal comes 200 ms into the read; with SA_RESTART the read would go on until the
    // child writes its byte 3 s later, which fails the test instead of hanging it.
    const child = spawn(
      '/bin/sh',
      ['-c', `sleep 0.2; kill -s ${wake.signal} ${process.pid}; sleep 3; printf x >&3`],
      { stdio: ['ignore', 'ignore', 'ignore', writeEnd] },
    );
    libc().close(writeEnd);
    const started = performance.now();
    const result = Number(read(readEnd, Buffer.alloc(1), 1));
    const errno = koffi.errno();
    const elapsed = performance.now() - started;
    child.kill('SIGKILL');
    libc().close(readEnd);
    expect(result).toBe(-1);
    expect(errno).toBe(errnoByName('EINTR')?.value);
    expect(elapsed).toBeLessThan(2500);
  });

  it('signals a live thread (its handler does nothing), not a gone one', () => {
    const wake = prepareThreadWake();
    expect(wakeThread(wake)).toBe(true);
    expect(wakeThread({ ...wake, tid: 2 ** 22 + 12345 })).toBe(false);
  });
});
