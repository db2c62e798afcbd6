// Asks the host gcc for the values of C constant expressions on a target it can compile for
// (x86_64 -m64, i386 -m32, x32 -mx32). Compiles to assembly only (-S), so no 32-bit libc is
// needed, and reads each value back from the data directives. Used as the authority for struct
// sizes and as an independent check of cpp.mjs + c-expr.mjs on every constant.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIRECTIVE_BYTES = { '.byte': 1, '.value': 2, '.short': 2, '.long': 4, '.quad': 8 };

/** Little-endian value of each `label:` in gcc's assembly, from the directives after it. */
function readData(asm) {
  const values = new Map();
  let label;
  let value = 0n;
  let offset = 0n;
  const flush = () => {
    if (label !== undefined) values.set(label, value);
    label = undefined;
  };
  for (const line of asm.split('\n')) {
    const labelMatch = /^(\w+):/.exec(line);
    if (labelMatch) {
      flush();
      label = labelMatch[1];
      value = 0n;
      offset = 0n;
      continue;
    }
    const data = /^\s+(\.\w+)\s+(-?\w+)/.exec(line);
    if (label === undefined || !data) continue;
    if (data[1] === '.zero') {
      offset += BigInt(data[2]) * 8n;
      continue;
    }
    const bytes = DIRECTIVE_BYTES[data[1]];
    if (bytes === undefined) continue;
    value |= BigInt.asUintN(bytes * 8, BigInt(data[2])) << offset;
    offset += BigInt(bytes * 8);
  }
  flush();
  return values;
}

/**
 * Values of `exprs` (key → C expression) after including `headers`, compiled with `flags`.
 * Expressions gcc rejects (pointers, unknown types) are returned in `failed`, not thrown.
 * @param {string[]} flags
 * @param {string[]} headers
 * @param {Map<string, string>} exprs
 * @returns {{ values: Map<string, bigint>, failed: Set<string> }}
 */
export function compileValues(flags, headers, exprs) {
  const dir = mkdtempSync(join(tmpdir(), 'gen-linux-cc-'));
  const failed = new Set();
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      const keys = [...exprs.keys()].filter((k) => !failed.has(k));
      const prologue = headers.map((h) => `#include <${h}>`);
      // One line per key, so that gcc's error lines name the culprit.
      const lines = keys.map(
        (k, i) =>
          `const unsigned long long gen_v${i} = (unsigned long long)(${exprs.get(k)}); ` +
          `const int gen_n${i} = (${exprs.get(k)}) < 0;`,
      );
      const file = join(dir, 'values.c');
      writeFileSync(file, [...prologue, ...lines, ''].join('\n'));
      const cc = spawnSync('gcc', [...flags, '-w', '-S', '-o', '-', file], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      if (cc.error) throw cc.error;
      if (cc.status === 0) {
        const data = readData(cc.stdout);
        const values = new Map();
        keys.forEach((k, i) => {
          const raw = data.get(`gen_v${i}`);
          if (raw === undefined) throw new Error(`no value for ${k} in gcc's output`);
          values.set(k, data.get(`gen_n${i}`) ? BigInt.asIntN(64, raw) : raw);
        });
        return { values, failed };
      }
      // An error inside a header is traced back to our line by an "in expansion of" note.
      const badLines = [
        ...cc.stderr.matchAll(/values\.c:(\d+):\d+: (?:error|note: in expansion of)/g),
      ].map((m) => +m[1]);
      const culprits = badLines
        .map((line) => keys[line - prologue.length - 1])
        .filter((k) => k !== undefined);
      if (culprits.length === 0) throw new Error(`gcc ${flags.join(' ')} failed:\n${cc.stderr}`);
      for (const k of culprits) failed.add(k);
    }
    throw new Error(`gcc ${flags.join(' ')}: too many failing expressions`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
