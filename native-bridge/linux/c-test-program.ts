import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * For integration tests: compiles a small C program with the system compiler (`cc`) into a fresh
 * temp directory and returns the binary's path. The kernel headers come from linux-libc-dev.
 */
export function compileCProgram(name: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const file = join(dir, `${name}.c`);
  const binary = join(dir, name);
  writeFileSync(file, source);
  execFileSync('cc', ['-O1', '-Wall', '-Werror', '-pthread', '-o', binary, file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return binary;
}

/** True when the tests that run real processes can run here. */
export const canRunLinuxIntegration = process.platform === 'linux' && process.arch === 'x64';
