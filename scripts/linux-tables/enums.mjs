// A few uapi numbers are enumerators, not macros (linux/landlock.h's LANDLOCK_RULE_PATH_BENEATH
// and LANDLOCK_RULE_NET_PORT): cpp cannot expand them. This reads the `enum { … }` bodies of the
// preprocessed headers and turns each wanted enumerator into the C expression that defines it
// (its initializer, or the previous one plus 1), so that c-expr.mjs evaluates it like a macro
// body and the host compiler cross-checks it like any other constant.
import { preprocessed } from './cpp.mjs';

/** Splits on commas outside parentheses. */
function topLevelItems(body) {
  const items = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  items.push(current);
  return items.map((i) => i.trim()).filter((i) => i !== '');
}

/** Earlier enumerators of the same enum, replaced by their parenthesised definitions. */
function substitute(expr, known) {
  return expr.replace(/\b[A-Za-z_]\w*\b/g, (id) => (known.has(id) ? `(${known.get(id)})` : id));
}

/** name → defining expression of every enumerator of every enum in `text`. */
export function enumeratorExpressions(text) {
  const out = new Map();
  // Enumerators share one scope in C: a later enum may use an earlier one's (PER_SVR4 is
  // 0x0001 | STICKY_TIMEOUTS | MMAP_PAGE_ZERO).
  const known = new Map();
  for (const match of text.matchAll(/\benum\b\s*\w*\s*\{([^}]*)\}/g)) {
    let previous;
    for (const item of topLevelItems(match[1])) {
      const m = /^([A-Za-z_]\w*)\s*(?:=\s*([\s\S]+))?$/.exec(item);
      if (!m) throw new Error(`cannot read enumerator "${item}"`);
      const expr =
        m[2] !== undefined ? substitute(m[2].trim(), known) : previous ? `(${previous}) + 1` : '0';
      known.set(m[1], expr);
      out.set(m[1], expr);
      previous = expr;
    }
  }
  return out;
}

/**
 * The enumerators of `headers` whose names match `pattern`, as name → C expression.
 * @param {import('./arches.mjs').ArchSpec} arch
 * @param {string[]} headers
 * @param {RegExp} pattern
 * @returns {Map<string, string>}
 */
export function enumExpressions(arch, headers, pattern) {
  const all = enumeratorExpressions(preprocessed(arch, headers));
  return new Map([...all].filter(([name]) => pattern.test(name)));
}
