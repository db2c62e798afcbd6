/**
 * The notification worker blocks in SECCOMP_IOCTL_NOTIF_RECV between notifications (no poll):
 * what it holds when the target goes quiet still arrives at once, a stop request ends it while it
 * waits, and so does the end of the filter's last task.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../app/trace/events';
import { canRunLinuxIntegration, compileCProgram } from '../../native-bridge/linux/c-test-program';
import { startSupervisorSession } from './session';
import { ALLOW_NOTHING, policyFrom } from './test-policies';

const isSleepCall = (e: TraceEvent) =>
  e.type === 'syscall' && (e.name === 'clock_nanosleep' || e.name === 'nanosleep');

describe.runIf(canRunLinuxIntegration)('the blocking notification loop', () => {
  it('sends what it holds while the target sleeps, and stops while it waits in RECV', async () => {
    const arrivals: { event: TraceEvent; at: number }[] = [];
    const started = performance.now();
    const session = startSupervisorSession({
      mode: 'learn',
      policy: policyFrom(ALLOW_NOTHING),
      command: ['/bin/sleep', '30'],
      onEvents: (batch) => {
        for (const event of batch) arrivals.push({ event, at: performance.now() - started });
      },
    });
    // The sleep call is the target's last notification for 30 s: it must arrive long before.
    for (let i = 0; i < 100 && !arrivals.some((a) => isSleepCall(a.event)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const sleepCall = arrivals.find((a) => isSleepCall(a.event));
    expect(sleepCall, 'the sleep call never arrived while the target slept').toBeDefined();
    const stopAt = performance.now();
    const outcome = await session.stop();
    expect(performance.now() - stopAt).toBeLessThan(2000);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.exit?.signal).toBe('SIGKILL');
  }, 30_000);

  it('ends by itself when the last task of the filter is gone, with every event delivered', async () => {
    const events: TraceEvent[] = [];
    const session = startSupervisorSession({
      mode: 'learn',
      policy: policyFrom(ALLOW_NOTHING),
      command: ['/bin/sh', '-c', 'sleep 0.3; echo done'],
      onEvents: (batch) => events.push(...batch),
    });
    const started = performance.now();
    const outcome = await session.done;
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcome.exit?.code).toBe(0);
    expect(events.at(-1)?.type).toBe('exit');
    expect(events.some((e) => e.type === 'syscall' && e.name === 'exit_group')).toBe(true);
    expect(
      events
        .filter((e) => e.type === 'stdout')
        .map((e) => (e.type === 'stdout' ? e.data : ''))
        .join(''),
    ).toBe('done\n');
  }, 30_000);

  it('a consumer slower than the target holds the target back, and every event arrives', async () => {
    const flood = compileCProgram(
      'flood-n',
      `#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  printf("%ld\\n", n);
  return 0;
}
`,
    );
    let getppid = 0;
    let slowBatches = 0;
    const session = startSupervisorSession({
      mode: 'learn',
      policy: policyFrom(ALLOW_NOTHING),
      command: [flood, '200000'],
      onEvents: (batch) => {
        // A main thread busy elsewhere: 20 ms per batch for the first 40 batches.
        if (slowBatches < 40) {
          slowBatches += 1;
          const until = performance.now() + 20;
          while (performance.now() < until);
        }
        for (const event of batch)
          if (event.type === 'syscall' && event.name === 'getppid') getppid += 1;
      },
    });
    const outcome = await session.done;
    expect(outcome.exit?.code).toBe(0);
    expect(getppid).toBe(200_000);
  }, 60_000);
});
