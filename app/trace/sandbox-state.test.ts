import { describe, expect, it } from 'vitest';
import { parseProcStatus } from '../linux/proc-status';
import { sandboxStateEvent } from './sandbox-state';
import { SandboxStateEvent } from './self-sandbox-event';

const STATUS =
  'Name:\tst\nTgid:\t9828\nPid:\t9830\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000401\n' +
  'CapEff:\t0000000000000401\nCapBnd:\t000001fffedfffff\nCapAmb:\t0000000000000000\n' +
  'NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t2\n';

describe('sandboxStateEvent', () => {
  it('carries each thread as /proc shows it', () => {
    const parsed = parseProcStatus(STATUS);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const event = sandboxStateEvent(40, 9828, [parsed.status]);
    expect(SandboxStateEvent.parse(event)).toEqual(event);
    expect(event).toEqual({
      type: 'sandbox-state',
      t: 40,
      pid: 9828,
      threads: [
        {
          tid: 9830,
          name: 'st',
          seccomp: 'filter',
          seccompFilters: 2,
          noNewPrivs: true,
          capabilities: {
            inheritable: '0000000000000000',
            permitted: '0000000000000401',
            effective: '0000000000000401',
            bounding: '000001fffedfffff',
            ambient: '0000000000000000',
          },
        },
      ],
    });
  });

  it('leaves out what an older kernel does not show', () => {
    const parsed = parseProcStatus(
      STATUS.replace(/^(CapAmb|NoNewPrivs|Seccomp|Seccomp_filters):.*\n/gm, ''),
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const [thread] = sandboxStateEvent(0, 1, [parsed.status]).threads;
    expect(thread).toEqual({
      tid: 9830,
      name: 'st',
      capabilities: {
        inheritable: '0000000000000000',
        permitted: '0000000000000401',
        effective: '0000000000000401',
        bounding: '000001fffedfffff',
      },
    });
  });
});
