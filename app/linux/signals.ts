import table from '../generated/linux-signals.json';

const byValue = new Map<number, string>();
for (const s of table.signals) if (!byValue.has(s.value)) byValue.set(s.value, s.name);
const byName = new Map<string, number>(table.signals.map((s) => [s.name, s.value]));

/** `SIGSYS` for 31, `signal N` when unnamed. */
export function signalName(value: number): string {
  return byValue.get(value) ?? `signal ${value}`;
}

export function signalNumber(name: string): number | undefined {
  return byName.get(name);
}
