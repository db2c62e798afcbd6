import { describe, expect, it } from 'vitest';
import { whatIfCellText } from './event-cells';

describe('whatIfCellText', () => {
  it('is empty for events that are not syscalls', () => {
    expect(whatIfCellText('none', undefined, undefined)).toEqual({ text: '', title: '' });
  });

  it('marks allowed calls, naming log when that is how they run', () => {
    expect(whatIfCellText('allowed', 'allow', 'kill-process')).toEqual({
      text: 'allowed',
      title: 'the edited policy lets this call run',
    });
    expect(whatIfCellText('allowed', 'log', 'kill-process').title).toBe(
      'the edited policy lets this call run (log)',
    );
  });

  it('says what a still-denied call gets and what the run saw', () => {
    expect(whatIfCellText('denied', 'kill-process', 'kill-process')).toEqual({
      text: 'denied',
      title: 'the edited policy still denies this call: kill-process (the run saw kill-process)',
    });
    expect(whatIfCellText('denied', 'trap', undefined).title).toBe(
      'the edited policy still denies this call: trap',
    );
  });

  it('shows the new action of a changed call', () => {
    expect(whatIfCellText('changed', 'errno EPERM', 'kill-process')).toEqual({
      text: '→ errno EPERM',
      title:
        'the edited policy denies this call differently: errno EPERM (the run saw kill-process)',
    });
    expect(whatIfCellText('changed', undefined, undefined).text).toBe('changed');
  });

  it('explains an unknown verdict', () => {
    expect(whatIfCellText('unknown', undefined, 'errno').text).toBe('?');
    expect(whatIfCellText('unknown', undefined, 'errno').title).toMatch(/cannot tell/);
  });
});
