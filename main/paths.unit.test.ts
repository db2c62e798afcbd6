import { describe, expect, it } from 'vitest';
import { outsideAsar } from './paths';

describe('outsideAsar', () => {
  it('maps a path inside app.asar to its unpacked copy', () => {
    expect(outsideAsar('/opt/Sandbox Studio/resources/app.asar/dist/main/launcher.mjs', '/')).toBe(
      '/opt/Sandbox Studio/resources/app.asar.unpacked/dist/main/launcher.mjs',
    );
    expect(outsideAsar('C:\\Studio\\resources\\app.asar\\dist\\main\\w.mjs', '\\')).toBe(
      'C:\\Studio\\resources\\app.asar.unpacked\\dist\\main\\w.mjs',
    );
  });

  it('leaves other paths alone, including an already unpacked one', () => {
    expect(outsideAsar('/work/main/dist/main/launcher.mjs', '/')).toBe(
      '/work/main/dist/main/launcher.mjs',
    );
    expect(outsideAsar('/r/app.asar.unpacked/dist/main/x.mjs', '/')).toBe(
      '/r/app.asar.unpacked/dist/main/x.mjs',
    );
    expect(outsideAsar('/r/my-app.asar/x.mjs', '/')).toBe('/r/my-app.asar/x.mjs');
  });
});
