import type { BpfProgram } from '../../app/bpf/program';
import type { Policy } from '../../app/policy/model';
import type { TraceEvent } from '../../app/trace/events';
import type { EventVerdicts } from '../../app/whatif/event-verdicts';
import { TraceIndex } from '../../app/whatif/trace-index';
import { judgeTrace, whatIfProgram, type WhatIfProgram } from '../../app/whatif/whatif';
import type { ChunkedBuffer } from './event-buffer';
import type { DocumentState, DocumentStore } from './document-store';
import type { RunsState, RunsStore } from './runs-store';
import type { WhatIfStore } from './whatif-store';

export interface WhatIfSources {
  readonly document: DocumentStore;
  readonly runs: RunsStore;
  readonly whatif: WhatIfStore;
}

export interface WhatIfOptions {
  readonly now?: () => number;
  /** The policy → filter step (tests replace it to count compilations). */
  readonly compile?: (policy: Policy) => WhatIfProgram;
}

/**
 * Live what-if: re-judges the current run's events whenever the document's analysis (already
 * debounced while typing) yields another policy, and judges new events as the run streams them.
 * The run's trace is indexed once, as it arrives; a policy change costs a compile plus one
 * emulator run per distinct syscall or argument class, never a run of the program.
 * Returns a function that stops it.
 */
export function startWhatIf(sources: WhatIfSources, options: WhatIfOptions = {}): () => void {
  const now = options.now ?? (() => performance.now());
  const compile = options.compile ?? whatIfProgram;
  const { document, runs, whatif } = sources;

  let buffer: ChunkedBuffer<TraceEvent> = runs.getState().events;
  let index = new TraceIndex();
  let program: BpfProgram | null = null;
  let judgedPolicy: Policy | undefined;
  let verdicts: EventVerdicts | null = null;
  let status: 'current' | 'stale' = 'current';

  const publish = (lastMs?: number): void => {
    whatif.getState().published({ verdicts, status, ...(lastMs === undefined ? {} : { lastMs }) });
  };
  const stale = (message: string): void => {
    status = 'stale';
    whatif.getState().staled(message);
  };

  const catchUp = (): void => {
    for (let i = index.eventCount; i < buffer.length; i++) {
      const event = buffer.at(i);
      if (event) index.appendEvent(event);
    }
  };

  const onAnalysis = (state: DocumentState): void => {
    const { analysis } = state;
    // Typing on: the analysis is of an older text; the next one decides.
    if (analysis.text !== state.text) return;
    if (!analysis.policy) {
      stale('the policy has errors: verdicts of the last policy that compiled');
      return;
    }
    if (analysis.policy === judgedPolicy) return;
    judgedPolicy = analysis.policy;
    const started = now();
    const compiled = compile(analysis.policy);
    if (!compiled.ok) {
      stale(`the policy does not compile: ${compiled.message}`);
      return;
    }
    program = compiled.program;
    catchUp();
    verdicts = judgeTrace(program, index);
    status = 'current';
    whatif.getState().published({ verdicts, status, message: null, lastMs: now() - started });
  };

  const onRuns = (state: RunsState, previous: RunsState): void => {
    if (state.events !== buffer) {
      // A new run: its trace replaces the last one.
      buffer = state.events;
      index = new TraceIndex();
      verdicts = program ? judgeTrace(program, index) : null;
      publish();
      return;
    }
    if (state.eventsVersion === previous.eventsVersion || !verdicts) return;
    catchUp();
    if (verdicts.update() > 0) publish();
  };

  onAnalysis(document.getState());
  const stopDocument = document.subscribe((state, previous) => {
    if (state.analysis !== previous.analysis || state.text !== previous.text) onAnalysis(state);
  });
  const stopRuns = runs.subscribe(onRuns);
  return () => {
    stopDocument();
    stopRuns();
  };
}
