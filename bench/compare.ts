import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileResolved } from '../app/bpf/compile-resolved';
import type { SeccompData } from '../app/bpf/program';
import { resolveLibseccompFilter } from '../app/formats/libseccomp-meaning';
import { ociToLibseccomp } from '../app/formats/oci-seccomp';
import { parseOciSeccomp } from '../app/formats/oci-seccomp-schema';
import {
  exportWithLibseccomp,
  libseccompUnavailable,
  withoutSkipped,
} from '../main/differential/libseccomp';
import { allowedBy, asSeccompData, disagreements, frequencies, measure, medianMs } from './measure';
import { dockerDefault, learnedAllowList, opensshPreauth, type BenchPolicy } from './policies';
import { formatJson, formatReport, type BenchResult, type PolicyResult } from './report';
import { recordWithLearnMode, recordWithStrace, type Trace } from './traces';

/*
 * `npm run bench`: three policies compiled by us and by libseccomp 2.5.4 (optimize=2, its binary
 * tree, and its default linear list), each run in our emulator over a real recorded trace.
 */

const DOCKER_WORKLOAD = "python3 -c 'import json, ssl' && find /usr/lib -name '*.so' | head";
const PYTHON_COMMAND = ['/usr/bin/python3', '-c', 'import json'];

function evaluate(policy: BenchPolicy, trace: Trace): PolicyResult {
  const [linear, tree] = exportWithLibseccomp([
    { ...policy.libseccomp, optimize: 1 },
    { ...policy.libseccomp, optimize: 2 },
  ]);
  if (!linear || !tree) throw new Error('libseccomp returned no program');
  if (tree.skipped.length > 0) {
    const names = tree.skipped.map((i) => policy.libseccomp.rules[i]?.syscall).join(', ');
    process.stderr.write(`${policy.name}: libseccomp 2.5.4 does not know ${names}; left out\n`);
  }
  // Both compile the same rules: the ones libseccomp could express.
  const ours = resolveLibseccompFilterIfSkipped(policy, tree);
  const workload: SeccompData[] = allowedBy(ours, asSeccompData(trace.calls));
  const unweighted = compileResolved(ours).program;
  const weighted = compileResolved(ours, { weights: frequencies(workload) }).program;
  return {
    policy: policy.name,
    source: policy.source,
    workload: trace.description,
    calls: workload.length,
    disagreements: disagreements(unweighted, tree.program, workload),
    rows: [
      { compiler: 'ours (no trace given)', figures: measure(unweighted, workload) },
      { compiler: 'ours (weighted by this trace)', figures: measure(weighted, workload) },
      { compiler: 'libseccomp optimize=2', figures: measure(tree.program, workload) },
      { compiler: 'libseccomp default', figures: measure(linear.program, workload) },
    ],
  };
}

function resolveLibseccompFilterIfSkipped(
  policy: BenchPolicy,
  exported: ReturnType<typeof exportWithLibseccomp>[number],
) {
  if (exported.skipped.length === 0) return policy.ours;
  return resolveLibseccompFilter(withoutSkipped(policy.libseccomp, exported));
}

function compileTimes(root: string): BenchResult['compileMs'] {
  const text = readFileSync(join(root, 'bench', 'profiles', 'docker-default.json'), 'utf8');
  const importPolicy = () => {
    const parsed = parseOciSeccomp(text);
    if (!parsed.profile) throw new Error("Docker's profile does not parse");
    return resolveLibseccompFilter(ociToLibseccomp(parsed.profile));
  };
  const policy = importPolicy();
  return {
    compile: medianMs(20, () => compileResolved(policy)),
    importAndCompile: medianMs(20, () => compileResolved(importPolicy())),
  };
}

export interface BenchOptions {
  readonly root: string;
  readonly argv: readonly string[];
}

/** Runs the benchmark and prints the report (or JSON with --json); returns the exit status. */
export function runBenchmark({ root, argv }: BenchOptions): number {
  const missing = libseccompUnavailable();
  if (missing) {
    process.stderr.write(`bench: libseccomp is needed as the reference: ${missing}\n`);
    return 1;
  }
  process.stderr.write('recording traces (strace, learn mode)...\n');
  const straceTrace = recordWithStrace(DOCKER_WORKLOAD);
  const learnTrace = recordWithLearnMode(root, PYTHON_COMMAND);
  const result: BenchResult = {
    policies: [
      evaluate(dockerDefault(root), straceTrace),
      evaluate(opensshPreauth(root), straceTrace),
      evaluate(
        learnedAllowList(`learned for ${PYTHON_COMMAND.join(' ')}`, learnTrace.calls),
        learnTrace,
      ),
    ],
    compileMs: compileTimes(root),
  };
  process.stdout.write(`${argv.includes('--json') ? formatJson(result) : formatReport(result)}\n`);
  return 0;
}
