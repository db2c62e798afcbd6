#!/usr/bin/env node
// Generates app/generated/syscall-docs.json from the man pages installed on this machine
// (Debian `manpages-dev`): for each syscall of the x86_64 table, its C signature from the page's
// SYNOPSIS and the one-line description of its NAME line, so the editor can show them on hover.
// Syscalls without a page, or whose page declares no function of that name, are left out.
// Preference, most exact first: `syscall(SYS_name, …)` in SYNOPSIS (the raw kernel interface), a
// `long name(…)` raw interface elsewhere in the page (clone's NOTES), then the glibc wrapper named
// like the syscall, then a wrapper under a related name (pread for pread64, sigaction for
// rt_sigaction, fstatat for newfstatat), which names that `function`. `raw` marks the kernel's
// own interface (a wrapper's parameters may differ from the syscall's arguments).
// Run `npm run gen` after a manpages-dev upgrade and commit the output with this script.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAN2 = '/usr/share/man/man2';
const out = join(root, 'app', 'generated', 'syscall-docs.json');

function packageVersion(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' });
  } catch {
    throw new Error(`${name} is not installed: apt-get install ${name}`);
  }
}

/** The roff source of page `name`(2), `.so` redirections followed; undefined without a page. */
function pageSource(name, depth = 0) {
  const path = [join(MAN2, `${name}.2.gz`), join(MAN2, `${name}.2`)].find((p) => existsSync(p));
  if (!path) return undefined;
  const bytes = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  const redirect = /^\.so\s+man2\/(\S+)\.2\s*$/m.exec(text);
  if (redirect && depth < 4) return pageSource(redirect[1], depth + 1);
  return text;
}

const NAMED_ESCAPES = { em: '—', en: '–', aq: "'", dq: '"', lq: '"', rq: '"', mi: '-', ti: '~' };

/** Inline roff escapes → plain text (fonts dropped). */
function unescape(text) {
  return text
    .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\[(*]\(?(..)/g, (_, name) => NAMED_ESCAPES[name] ?? '')
    .replace(/\\\[(\w+)\]/g, (_, name) => NAMED_ESCAPES[name] ?? '')
    .replace(/\\[-]/g, '-')
    .replace(/\\e/g, '\\')
    .replace(/\\[ ~0]/g, ' ')
    .replace(/\\[&%c|^]/g, '');
}

/** Arguments of a request line: words, or "quoted strings" (with "" for a quote). */
function requestArgs(text) {
  const args = [];
  const pattern = /"((?:[^"]|"")*)"?|(\S+)/g;
  for (const m of text.matchAll(pattern))
    args.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
  return args;
}

const FONT_MACROS = new Set(['B', 'I', 'R', 'SM', 'SB']);
const ALTERNATING = new Set(['BI', 'IB', 'BR', 'RB', 'IR', 'RI']);

/**
 * A page as lines of plain text, each with the section it is in and whether it is in a no-fill
 * block (`.nf`/`.EX`: where declarations are written).
 */
function pageLines(source) {
  const joined = source.replace(/\\\r?\n/g, '');
  const lines = [];
  let section = '';
  let noFill = false;
  for (const raw of joined.split('\n')) {
    if (raw.startsWith('.\\"') || raw.startsWith('\'\\"')) continue;
    const request = /^[.']\s*(\w+)\s*(.*)$/.exec(raw);
    if (!request) {
      lines.push({ section, noFill, text: unescape(raw) });
      continue;
    }
    const [, macro, rest] = request;
    if (macro === 'SH') section = unescape(requestArgs(rest).join(' ')).toUpperCase();
    else if (macro === 'nf' || macro === 'EX') noFill = true;
    else if (macro === 'fi' || macro === 'EE') noFill = false;
    else if (FONT_MACROS.has(macro)) {
      lines.push({ section, noFill, text: unescape(requestArgs(rest).join(' ')) });
    } else if (ALTERNATING.has(macro)) {
      lines.push({ section, noFill, text: unescape(requestArgs(rest).join('')) });
    } else lines.push({ section, noFill, text: '' });
  }
  return lines;
}

/** NAME: `open, openat, creat \- open and possibly create a file` → the part after the dash. */
function description(lines) {
  const text = lines
    .filter((l) => l.section === 'NAME')
    .map((l) => l.text)
    .join(' ');
  const dash = text.indexOf(' - ');
  return dash === -1
    ? undefined
    : text
        .slice(dash + 3)
        .replace(/\s+/g, ' ')
        .trim();
}

/** `.TH open 2 …` → `open(2)`. */
function pageTitle(source) {
  const m = /^\.TH\s+"?([^\s"]+)"?\s+"?(\w+)/m.exec(source);
  return m ? `${m[1]}(${m[2]})` : undefined;
}

/** The C declarations in `lines`, comments and preprocessor lines removed. */
function declarations(lines) {
  const code = lines
    .map((l) => l.text)
    .join('\n')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .split('\n')
    .filter((t) => !/^\s*#/.test(t))
    .join('\n');
  return code
    .split(';')
    .map((d) => d.replace(/\s+/g, ' ').trim())
    .map(parseDeclaration)
    .filter((d) => d !== undefined);
}

/**
 * SYNOPSIS up to its feature test macro part (declarations are not always in a no-fill block
 * there), and every other section's no-fill blocks (examples and raw interfaces in NOTES).
 */
function synopsisLines(lines) {
  const synopsis = lines.filter((l) => l.section === 'SYNOPSIS');
  const end = synopsis.findIndex((l) => /Feature Test Macro|^\s*Note:/.test(l.text));
  return end === -1 ? synopsis : synopsis.slice(0, end);
}

/** Splits at commas outside parentheses and brackets. */
function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const QUALIFIERS = new Set([
  'const',
  'volatile',
  'restrict',
  'struct',
  'union',
  'enum',
  'unsigned',
  'signed',
]);

/** C spacing: one space between words, none after a `*` (`void * *p` → `void **p`). */
function tidy(text) {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\*\s+(?=[\w*])/g, '*')
    .trim();
}

/**
 * `const char *pathname` → {type: 'const char *', name: 'pathname'}. man-pages 6 writes buffers
 * as arrays sized by another parameter (`void buf[.count]`): that is a pointer in C.
 */
function parseParam(text) {
  const clean = tidy(text.replace(/\b_Nullable\b|\b_Nonnull\b/g, ''));
  const sized = /^(.*?)\s*\b(\w+)\s*\[([^\]]*\.[^\]]*)\]$/.exec(clean);
  if (sized) {
    const restrict = /\brestrict\b/.test(sized[3]) ? 'restrict' : '';
    return { type: tidy(`${sized[1]} *${restrict}`), name: sized[2] };
  }
  const fnPointer = /\(\s*\*\s*(\w+)\s*\)/.exec(clean);
  if (fnPointer) {
    return { type: tidy(clean.replace(fnPointer[0], '(*)')), name: fnPointer[1] };
  }
  const m = /^(.*?)(\w+)((?:\s*\[[^\]]*\])*)$/.exec(clean);
  const words = clean.replace(/\[[^\]]*\]/g, '').match(/\w+/g) ?? [];
  if (!m || words.length < 2 || QUALIFIERS.has(m[2])) return { type: clean, name: undefined };
  return { type: tidy(`${m[1]}${m[3].replace(/\s+/g, '')}`), name: m[2] };
}

/** `int openat(int dirfd, …)` → its parts; `long syscall(SYS_x, …)` → function x, raw. */
function parseDeclaration(text) {
  const clean = text.replace(/\[\[[^\]]*\]\]/g, '').trim();
  const open = clean.indexOf('(');
  if (open === -1 || !clean.endsWith(')')) return undefined;
  const head = clean.slice(0, open);
  const m = /(\w+)\s*$/.exec(head);
  const returns = m ? head.slice(0, m.index).trim() : '';
  if (!m || returns === '' || !/^[\w\s*]+$/.test(returns)) return undefined;
  let name = m[1];
  let params = splitTopLevel(clean.slice(open + 1, -1));
  let raw = false;
  if (name === 'syscall') {
    const sys = /^SYS_(\w+)$/.exec(params[0] ?? '');
    if (!sys) return undefined;
    name = sys[1];
    params = params.slice(1);
    raw = true;
  }
  const variadic = params.at(-1) === '...';
  if (variadic) params = params.slice(0, -1);
  if (params.length === 1 && params[0] === 'void') params = [];
  return { name, returns: tidy(returns), params: params.map(parseParam), variadic, raw };
}

function signatureText(decl) {
  const params = decl.params.map((p) => (p.name === undefined ? p.type : joinType(p.type, p.name)));
  if (decl.variadic) params.push('...');
  const fn = decl.params.length === 0 && !decl.variadic ? 'void' : params.join(', ');
  return tidy(`${joinType(decl.returns, decl.name)}(${fn})`);
}

/** `char *` + `name` → `char *name`; `int` + `fd` → `int fd`; function pointers keep their shape. */
function joinType(type, name) {
  if (type.includes('(*)')) return type.replace('(*)', `(*${name})`);
  const array = /^(.*?)((?:\[[^\]]*\])+)$/.exec(type);
  if (array) return `${joinType(array[1], name)}${array[2]}`;
  return type.endsWith('*') ? `${type}${name}` : `${type} ${name}`;
}

/** Names a wrapper may carry for the syscall `name` (the syscall's own first). */
function relatedNames(name) {
  const names = [name];
  const add = (n) => {
    if (n !== '' && !names.includes(n)) names.push(n);
  };
  if (name.startsWith('rt_')) add(name.slice(3));
  if (name.startsWith('new')) add(name.slice(3));
  if (name.startsWith('_')) add(name.slice(1));
  add(name.replace(/\d+$/, ''));
  add(`_${name}`);
  for (const n of [...names]) add(`posix_${n.replace(/\d+$/, '')}`);
  return names;
}

function mostParams(decls) {
  return [...decls].sort((a, b) => b.params.length - a.params.length)[0];
}

/** The declaration documenting syscall `name` on its page, most exact first. */
function chooseDeclaration(name, lines) {
  const synopsis = declarations(synopsisLines(lines));
  const elsewhere = declarations(lines.filter((l) => l.section !== 'SYNOPSIS' && l.noFill));
  const raw = synopsis.filter((d) => d.raw && d.name === name);
  if (raw.length > 0) return { decl: mostParams(raw), raw: true };
  const rawInterface = elsewhere.find((d) => d.name === name && d.returns === 'long');
  if (rawInterface) return { decl: rawInterface, raw: true };
  for (const candidate of relatedNames(name)) {
    const wrappers = synopsis.filter((d) => d.name === candidate && !d.raw);
    if (wrappers.length > 0) return { decl: mostParams(wrappers), raw: false };
  }
  return undefined;
}

function syscallDoc(name) {
  const source = pageSource(name);
  if (!source) return undefined;
  const lines = pageLines(source);
  const chosen = chooseDeclaration(name, lines);
  const summary = description(lines);
  if (!chosen || !summary) return undefined;
  const { decl, raw } = chosen;
  return {
    page: pageTitle(source),
    description: summary,
    signature: signatureText(decl),
    params: decl.params.map((p) =>
      p.name === undefined ? { type: p.type } : { type: p.type, name: p.name },
    ),
    ...(decl.variadic ? { variadic: true } : {}),
    ...(raw ? { raw: true } : {}),
    ...(decl.name === name ? {} : { function: decl.name }),
  };
}

function main() {
  const table = JSON.parse(
    readFileSync(join(root, 'app', 'generated', 'linux-arch-x86_64.json'), 'utf8'),
  );
  const names = Object.keys(table.syscalls).sort();
  const syscalls = {};
  const missing = [];
  for (const name of names) {
    const doc = syscallDoc(name);
    if (doc) syscalls[name] = doc;
    else missing.push(name);
  }
  const result = {
    source: `manpages-dev ${packageVersion('manpages-dev')} (${MAN2}): SYNOPSIS and NAME of each syscall's page`,
    syscalls,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
  console.log(
    `${out}: ${Object.keys(syscalls).length} of ${names.length} x86_64 syscalls documented; no page or declaration: ${missing.join(' ')}`,
  );
}

main();
