import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyToWindowsC } from '../../app/export/windows-c';
import { mitigationFlags, WINDOWS_MITIGATION_NAMES } from '../../app/policy/windows-schema';
import { policyOf } from './probe-policies';

/**
 * Export → Windows C, compiled with MinGW-w64 (Debian's mingw-w64) as C23 with warnings as
 * errors, for 64-bit and 32-bit Windows (DEP is set on 32-bit, checked on 64-bit), and linked into
 * a program that calls both entry points, so every Windows function it uses resolves. Compile and
 * link only: the program cannot run on this Linux machine (no Windows, no Wine).
 */

const COMPILERS = ['x86_64-w64-mingw32-gcc', 'i686-w64-mingw32-gcc'].filter((compiler) =>
  existsSync(`/usr/bin/${compiler}`),
);

const EVERYTHING = `version: 1
name: every mitigation
windows:
  mitigations:
${WINDOWS_MITIGATION_NAMES.map(
  (name) =>
    `    ${name}: { ${mitigationFlags(name)
      .map((f) => `${f}: true`)
      .join(', ')} }`,
).join('\n')}
`;

const POLICIES: Readonly<Record<string, string>> = {
  'every mitigation and flag': EVERYTHING,
  'one mitigation': 'version: 1\nwindows: { mitigations: { dep: { enable: true } } }\n',
  'launcher without a second creation word or child policy':
    'version: 1\nwindows: { mitigations: { aslr: { bottom_up: true }, fonts: { disable_non_system: true } } }\n',
  'only checks (CFG from the image)':
    'version: 1\nwindows: { mitigations: { cfg: { enable: true } } }\n',
};

const MAIN = String.raw`
#include <windows.h>
#include <stdio.h>

DWORD sandbox_apply(void);
DWORD sandbox_launch(wchar_t *command_line, PROCESS_INFORMATION *process);
const char *sandbox_message(void);

int main(void)
{
	if (sandbox_apply() != 0) {
		fprintf(stderr, "%s\n", sandbox_message());
		return 1;
	}
	wchar_t command[] = L"cmd.exe /c exit 0";
	PROCESS_INFORMATION process = {};
	if (sandbox_launch(command, &process) != 0) {
		fprintf(stderr, "%s\n", sandbox_message());
		return 1;
	}
	return CloseHandle(process.hThread) && CloseHandle(process.hProcess) ? 0 : 1;
}
`;

function build(compiler: string, sandbox: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'windows-export-'));
  writeFileSync(join(dir, 'sandbox.c'), sandbox);
  writeFileSync(join(dir, 'main.c'), MAIN);
  const exe = join(dir, 'probe.exe');
  const flags = ['-std=c2x', '-Wall', '-Werror'];
  execFileSync(compiler, [...flags, '-o', exe, join(dir, 'sandbox.c'), join(dir, 'main.c')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return exe;
}

describe.runIf(COMPILERS.length > 0)(
  'exported Windows C with MinGW-w64 (compile and link only)',
  () => {
    for (const compiler of COMPILERS) {
      it.each(Object.entries(POLICIES))(`${compiler}: %s`, (_label, text) => {
        const exe = build(compiler, policyToWindowsC(policyOf(text)).text);
        expect(existsSync(exe)).toBe(true);
      });
    }
  },
);

describe.skipIf(COMPILERS.length > 0)('exported Windows C', () => {
  it.skip('needs mingw-w64 (x86_64-w64-mingw32-gcc) to compile', () => {});
});
