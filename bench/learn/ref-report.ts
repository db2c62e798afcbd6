import { z } from 'zod';

/** What bench/learn/ref-supervisor.c writes at the end of a run. */
export const RefReport = z.strictObject({
  notifications: z.number().int().nonnegative(),
  exitCode: z.number().int().min(0).max(255).nullable(),
  signal: z.number().int().positive().nullable(),
});
export type RefReport = z.infer<typeof RefReport>;

/** Parses the C reference's one-line JSON report; throws with the text when it is malformed. */
export function parseRefReport(text: string): RefReport {
  const line = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`the C reference's report is not JSON: ${JSON.stringify(line.slice(0, 200))}`);
  }
  const parsed = RefReport.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new Error(`the C reference's report is malformed${where}: ${issue?.message ?? ''}`);
  }
  const report = parsed.data;
  if ((report.exitCode === null) === (report.signal === null)) {
    throw new Error(`the C reference's report needs exactly one of exitCode and signal: ${line}`);
  }
  return report;
}
