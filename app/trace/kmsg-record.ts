/**
 * One record as a read() of /dev/kmsg returns it (Documentation/ABI/testing/dev-kmsg):
 *
 *   PRI,SEQ,TIMESTAMP_US,FLAGS[,MORE...];MESSAGE
 *    KEY=VALUE            (optional continuation lines, each starting with one space)
 *
 * PRI is `facility << 3 | level`; the kernel escapes non-printable bytes and `\` in MESSAGE and
 * in continuation values as `\xNN`.
 */
export interface KmsgRecord {
  readonly level: number;
  readonly facility: number;
  readonly seq: number;
  /** Microseconds since boot (CLOCK_MONOTONIC at the time of printk). */
  readonly timestampUs: number;
  /** `-`, or `c` for a record continued by the next one (older kernels also used `+`). */
  readonly flags: string;
  /** Header fields after FLAGS (e.g. `caller=T123` with CONFIG_PRINTK_CALLER). */
  readonly extra: readonly string[];
  /** The message, unescaped. */
  readonly message: string;
  /** Continuation lines (`SUBSYSTEM=acpi`, `DEVICE=+acpi:…`), unescaped. */
  readonly properties: Readonly<Record<string, string>>;
}

/** Where a record is malformed: 1-based line and column within the record text. */
export interface KmsgParseError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export type KmsgParseResult =
  | { readonly ok: true; readonly record: KmsgRecord }
  | { readonly ok: false; readonly error: KmsgParseError };

/**
 * Bytes as UTF-8 text. Bytes that are not valid UTF-8 stay visible as `\xNN` rather than being
 * replaced, so that a path or name is never shown as something it is not.
 */
export function bytesToText(bytes: readonly number[]): string {
  const percent = bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  try {
    return decodeURIComponent(percent);
  } catch {
    return bytes
      .map((b) =>
        b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`,
      )
      .join('');
  }
}

/** Reverses the kernel's `\xNN` escaping (non-printable bytes and the backslash itself). */
export function unescapeKmsg(text: string): string {
  return text.replace(/(?:\\x[0-9a-fA-F]{2})+/g, (run) =>
    bytesToText(
      run
        .split('\\x')
        .slice(1)
        .map((pair) => parseInt(pair, 16)),
    ),
  );
}

const fail = (message: string, line: number, column: number): KmsgParseResult => ({
  ok: false,
  error: { message, line, column },
});

interface HeaderField {
  readonly text: string;
  readonly column: number;
}

function headerFields(header: string): HeaderField[] {
  const fields: HeaderField[] = [];
  let column = 1;
  for (const text of header.split(',')) {
    fields.push({ text, column });
    column += text.length + 1;
  }
  return fields;
}

type Parsed<T> = { readonly value: T } | { readonly error: KmsgParseError };

function decimal(field: HeaderField | undefined, what: string): Parsed<number> {
  if (field === undefined) return { error: { message: `missing ${what}`, line: 1, column: 1 } };
  const value = /^\d+$/.test(field.text) ? Number(field.text) : NaN;
  if (!Number.isSafeInteger(value)) {
    const message = `${what} "${field.text}" is not a decimal number`;
    return { error: { message, line: 1, column: field.column } };
  }
  return { value };
}

function parseProperties(lines: readonly string[]): Parsed<Readonly<Record<string, string>>> {
  const properties: Record<string, string> = {};
  for (const [index, text] of lines.entries()) {
    const line = index + 2;
    if (!text.startsWith(' ')) {
      return { error: { message: 'a continuation line must start with a space', line, column: 1 } };
    }
    const equals = text.indexOf('=');
    if (equals < 2) {
      return { error: { message: 'a continuation line is " KEY=VALUE"', line, column: 2 } };
    }
    properties[text.slice(1, equals)] = unescapeKmsg(text.slice(equals + 1));
  }
  return { value: properties };
}

/** Parses one record; the trailing newline read() returns is optional. */
export function parseKmsgRecord(text: string): KmsgParseResult {
  const lines = text.replace(/\n$/, '').split('\n');
  const first = lines[0] ?? '';
  const semicolon = first.indexOf(';');
  if (semicolon < 0) return fail('no ";" between the header and the message', 1, first.length + 1);
  const fields = headerFields(first.slice(0, semicolon));
  if (fields.length < 4) {
    return fail(
      `the header has ${fields.length} comma-separated fields; PRI,SEQ,TIMESTAMP,FLAGS needs 4`,
      1,
      semicolon + 1,
    );
  }
  const pri = decimal(fields[0], 'priority');
  if ('error' in pri) return { ok: false, error: pri.error };
  const seq = decimal(fields[1], 'sequence number');
  if ('error' in seq) return { ok: false, error: seq.error };
  const timestamp = decimal(fields[2], 'timestamp');
  if ('error' in timestamp) return { ok: false, error: timestamp.error };
  const properties = parseProperties(lines.slice(1));
  if ('error' in properties) return { ok: false, error: properties.error };
  return {
    ok: true,
    record: {
      level: pri.value & 7,
      facility: pri.value >> 3,
      seq: seq.value,
      timestampUs: timestamp.value,
      flags: fields[3]?.text ?? '',
      extra: fields.slice(4).map((f) => f.text),
      message: unescapeKmsg(first.slice(semicolon + 1)),
      properties: properties.value,
    },
  };
}
