/** A program run under every variant; `startup` is the one that measures fixed costs only. */
export interface Workload {
  readonly name: string;
  readonly command: readonly string[];
  readonly startup: boolean;
}

/** The two workloads, plus /bin/true to show each variant's fixed start-up cost. */
export const WORKLOADS: readonly Workload[] = [
  { name: 'startup: /bin/true', command: ['/bin/true'], startup: true },
  {
    name: "find /usr/lib -name '*.so'",
    command: ['/usr/bin/find', '/usr/lib', '-name', '*.so'],
    startup: false,
  },
  {
    name: "python3 -c 'import json, ssl'",
    command: ['/usr/bin/python3', '-c', 'import json, ssl'],
    startup: false,
  },
];

/**
 * The environment every target gets: what Sandbox Studio's supervisor passes to a target whose
 * policy sets no env (main/supervisor/session.ts), so all variants run the same program the same
 * way.
 */
export function targetEnvironment(from: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TERM', 'USER']) {
    const value = from[key];
    if (value !== undefined) env[key] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return env;
}
