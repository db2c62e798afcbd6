/*
 * strace's quoting: it writes the bytes of strings and -y paths as C escapes (`\n`, `\x7f`,
 * `\303\251`, `\74` for a `<` inside a path) and everything printable as itself. The bytes are
 * UTF-8 most of the time (file names, argv), so escaped runs are decoded as UTF-8, with U+FFFD
 * for bytes that are not — as the studio's supervisor decodes the strings it reads from a target.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 0x0a,
  t: 0x09,
  r: 0x0d,
  v: 0x0b,
  f: 0x0c,
  a: 0x07,
  b: 0x08,
};

/** The text of `body` (the inside of a quoted string, or a -y path) with its escapes decoded. */
export function unescapeStrace(body: string): string {
  let out = '';
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length > 0) out += utf8(bytes);
    bytes = [];
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      flush();
      out += ch;
      continue;
    }
    const escape = /^(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/s.exec(body.slice(i + 1, i + 4))![1]!;
    i += escape.length;
    if (escape.startsWith('x') && escape.length > 1)
      bytes.push(Number.parseInt(escape.slice(1), 16));
    else if (/^[0-7]/.test(escape)) bytes.push(Number.parseInt(escape, 8) & 0xff);
    else if (Object.hasOwn(SIMPLE_ESCAPES, escape)) bytes.push(SIMPLE_ESCAPES[escape]!);
    else {
      flush();
      out += escape; // \" \\ and any other character stand for themselves
    }
  }
  flush();
  return out;
}

/**
 * UTF-8 bytes as text, as the WHATWG decoder (TextDecoder) gives it: each maximal invalid
 * subsequence becomes one U+FFFD. (The app layer has no TextDecoder: it runs without DOM or Node
 * types.)
 */
export function utf8(bytes: readonly number[]): string {
  let out = '';
  let needed = 0;
  let seen = 0;
  let point = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (needed === 0) {
      if (byte <= 0x7f) out += String.fromCharCode(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) [needed, point] = [1, byte & 0x1f];
      else if (byte >= 0xe0 && byte <= 0xef) {
        // Overlong forms and UTF-16 surrogates are not UTF-8.
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        [needed, point] = [2, byte & 0x0f];
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        // Nor are overlong forms and points past U+10FFFF.
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        [needed, point] = [3, byte & 0x07];
      } else out += '\ufffd';
      continue;
    }
    if (byte < lower || byte > upper) {
      [needed, seen, point, lower, upper] = [0, 0, 0, 0x80, 0xbf];
      out += '\ufffd';
      i--; // the byte may start the next sequence
      continue;
    }
    [lower, upper] = [0x80, 0xbf];
    point = (point << 6) | (byte & 0x3f);
    if (++seen === needed) {
      out += String.fromCodePoint(point);
      [needed, seen, point] = [0, 0, 0];
    }
  }
  return needed === 0 ? out : `${out}\ufffd`;
}
