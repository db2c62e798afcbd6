import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunMode } from '../../app/api/contract';
import type { ParseOptions } from '../../app/policy/parse';
import { applyRule, applyRuleText } from '../../app/proposals/apply';
import { collectObservations, type Observations } from '../../app/proposals/observations';
import {
  recommended,
  type OptionKind,
  type Proposal,
  type ProposalOption,
  type ProposalSet,
  type RiskLevel,
} from '../../app/proposals/proposal';
import { proposeChanges } from '../../app/proposals/propose';
import type { DocumentState, DocumentStore } from './document-store';
import type { RunsState, RunsStore } from './runs-store';

/** A change the user took from the panel, for the panel's log of what this round changed. */
export interface AcceptedChange {
  readonly id: string;
  readonly syscall: string;
  readonly summary: string;
  /** The risk of the option taken; `edited` for a rule the user wrote. */
  readonly level: RiskLevel | 'edited';
}

/** The rule being edited in the inline field, and what parsing the result said. */
export interface RuleDraft {
  readonly id: string;
  readonly text: string;
  /** Why the rule cannot be applied (the policy would not parse). */
  readonly error: string | null;
  /** The rule applies but leaves observed calls denied. */
  readonly warning: string | null;
}

export interface ProposalsState {
  /** What the last finished run saw the policy deny (null before a run ends). */
  readonly observations: Observations | null;
  readonly runMode: RunMode | null;
  /** Start time of the run the observations come from; a new run starts over. */
  readonly runStartedAt: number | null;
  /** Proposals for the document text `computedFor`; recomputed when the text's analysis changes. */
  readonly set: ProposalSet | null;
  readonly computedFor: string | null;
  readonly rejected: ReadonlySet<string>;
  /** The option picked per proposal, when not the recommended one. */
  readonly choices: Readonly<Record<string, OptionKind>>;
  readonly accepted: readonly AcceptedChange[];
  readonly draft: RuleDraft | null;
  /** The last accept that failed, and why. */
  readonly error: string | null;

  choose(id: string, kind: OptionKind): void;
  accept(id: string): void;
  reject(id: string): void;
  /** Brings a rejected proposal back. */
  restore(id: string): void;
  /** Accepts the recommended option of every pending proposal whose risk is low; returns how many. */
  acceptAllLowRisk(): number;
  startEdit(id: string): void;
  editDraft(text: string): void;
  commitDraft(): void;
  cancelDraft(): void;
}

export type ProposalsStore = StoreApi<ProposalsState> & {
  /** Stops listening to the runs and document stores. */
  readonly dispose: () => void;
};

export interface ProposalsDeps {
  readonly runs: RunsStore;
  readonly document: DocumentStore;
  /**
   * parsePolicy's options for checking edits of the document. The editor's analysis (which reads
   * the includes) decides what is denied; edits are checked with includes read as empty files.
   */
  readonly parseOptions?: (doc: DocumentState) => ParseOptions;
}

/** Included files as empty policies: an edit of this file is checked without their rules. */
export const emptyIncludes = (): ParseOptions => ({ readInclude: () => 'version: 1\n' });

const FINAL = new Set(['exited', 'failed']);

export function createProposalsStore(deps: ProposalsDeps): ProposalsStore {
  const parseOptions = deps.parseOptions ?? emptyIncludes;
  const doc = () => deps.document.getState();

  const store = createStore<ProposalsState>()((set, get) => {
    /** The pending proposal `id` and the option to take, if the proposals match the text. */
    const pending = (id: string): { proposal: Proposal; option: ProposalOption } | undefined => {
      const { set: proposals, computedFor } = get();
      if (!proposals || computedFor !== doc().text) return undefined;
      const proposal = proposals.proposals.find((p) => p.id === id);
      return proposal && { proposal, option: chosenOption(get(), proposal) };
    };

    const fail = (what: string, error: unknown): void => {
      set({ error: `${what}: ${error instanceof Error ? error.message : String(error)}` });
    };

    return {
      observations: null,
      runMode: null,
      runStartedAt: null,
      set: null,
      computedFor: null,
      rejected: new Set(),
      choices: {},
      accepted: [],
      draft: null,
      error: null,

      choose(id, kind) {
        set({ choices: { ...get().choices, [id]: kind } });
      },

      accept(id) {
        const found = pending(id);
        if (!found) return;
        try {
          const text = applyRule(doc().text, found.option.rule, parseOptions(doc())).text;
          doc().setText(text, 'external');
          set({
            accepted: [...get().accepted, acceptedChange(found.proposal, found.option)],
            error: null,
            draft: null,
          });
        } catch (error) {
          fail(`Accepting the rule for ${found.proposal.syscall} failed`, error);
        }
      },

      reject(id) {
        set({ rejected: new Set([...get().rejected, id]), draft: null });
      },

      restore(id) {
        const rejected = new Set(get().rejected);
        rejected.delete(id);
        set({ rejected });
      },

      acceptAllLowRisk() {
        const state = get();
        if (!state.set || state.computedFor !== doc().text) return 0;
        const chosen = lowRiskPending(state);
        let text = doc().text;
        const accepted: AcceptedChange[] = [];
        try {
          for (const { proposal, option } of chosen) {
            text = applyRule(text, option.rule, parseOptions(doc())).text;
            accepted.push(acceptedChange(proposal, option));
          }
        } catch (error) {
          fail('Accepting the low-risk rules failed', error);
          return 0;
        }
        if (accepted.length > 0) doc().setText(text, 'external');
        set({ accepted: [...state.accepted, ...accepted], error: null, draft: null });
        return accepted.length;
      },

      startEdit(id) {
        const found = pending(id);
        if (!found) return;
        set({ draft: { id, text: found.option.ruleText, error: null, warning: null } });
      },

      editDraft(text) {
        const draft = get().draft;
        if (!draft) return;
        set({ draft: { ...draft, text, ...checkDraft(get(), draft.id, text) } });
      },

      commitDraft() {
        const draft = get().draft;
        const found = draft && pending(draft.id);
        if (!draft || !found) return;
        try {
          const options = parseOptions(doc());
          const text = applyRuleText(doc().text, found.proposal.syscall, draft.text, options).text;
          doc().setText(text, 'external');
          const change: AcceptedChange = {
            id: draft.id,
            syscall: found.proposal.syscall,
            summary: `your rule for ${found.proposal.syscall}`,
            level: 'edited',
          };
          set({ accepted: [...get().accepted, change], draft: null, error: null });
        } catch (error) {
          set({ draft: { ...draft, error: messageOf(error) } });
        }
      },

      cancelDraft() {
        set({ draft: null });
      },
    };

    function checkDraft(
      state: ProposalsState,
      id: string,
      text: string,
    ): Pick<RuleDraft, 'error' | 'warning'> {
      const proposal = state.set?.proposals.find((p) => p.id === id);
      if (!proposal || !state.observations) return { error: null, warning: null };
      try {
        const options = parseOptions(doc());
        const updated = applyRuleText(doc().text, proposal.syscall, text, options).text;
        const left = proposeChanges(updated, onlySyscall(state.observations, proposal.syscall), {
          ...options,
        }).proposals[0];
        const warning = left
          ? `with this rule, ${left.count} ${left.count === 1 ? 'call' : 'calls'} of ${proposal.syscall} seen in the run would still be denied`
          : null;
        return { error: null, warning };
      } catch (error) {
        return { error: messageOf(error), warning: null };
      }
    }
  });

  const recompute = (): void => {
    const { observations } = store.getState();
    const { text, analysis } = doc();
    if (!observations) return;
    if (analysis.text !== text) return; // analysis pending: wait for it
    if (!analysis.policy) {
      store.setState({
        set: {
          proposals: [],
          blocked: [],
          problem: 'the policy has errors; fix them to see proposals',
        },
        computedFor: text,
      });
      return;
    }
    const options = { ...parseOptions(doc()), policy: analysis.policy };
    store.setState({ set: proposeChanges(text, observations, options), computedFor: text });
  };

  const onRuns = (runs: RunsState): void => {
    const run = runs.run;
    const state = store.getState();
    if (!run || run.startedAt === state.runStartedAt) return;
    if (!FINAL.has(run.state)) {
      if (state.observations !== null || state.set !== null) store.setState(initialRound());
      return;
    }
    store.setState({
      ...initialRound(),
      observations: collectObservations(runs.events.toArray()),
      runMode: run.mode,
      runStartedAt: run.startedAt,
    });
    recompute();
  };

  const stopRuns = deps.runs.subscribe(onRuns);
  const stopDocument = deps.document.subscribe((state, previous) => {
    if (state.analysis !== previous.analysis) recompute();
  });
  onRuns(deps.runs.getState());

  return Object.assign(store, {
    dispose: () => {
      stopRuns();
      stopDocument();
    },
  });
}

function initialRound(): Partial<ProposalsState> {
  return {
    observations: null,
    runMode: null,
    runStartedAt: null,
    set: null,
    computedFor: null,
    rejected: new Set(),
    choices: {},
    accepted: [],
    draft: null,
    error: null,
  };
}

function onlySyscall(observations: Observations, name: string): Observations {
  return { syscalls: observations.syscalls.filter((o) => o.name === name), unplaced: [] };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function acceptedChange(proposal: Proposal, option: ProposalOption): AcceptedChange {
  return {
    id: proposal.id,
    syscall: proposal.syscall,
    summary: option.summary,
    level: option.risk.level,
  };
}

/** The option the user picked for `proposal`, else the recommended one. */
export function chosenOption(
  state: Pick<ProposalsState, 'choices'>,
  proposal: Proposal,
): ProposalOption {
  const kind = state.choices[proposal.id];
  return proposal.options.find((o) => o.kind === kind) ?? recommended(proposal);
}

/** Proposals neither accepted (they vanish from the set) nor rejected, in trace order. */
export function selectPending(
  state: Pick<ProposalsState, 'set' | 'rejected'>,
): readonly Proposal[] {
  return (state.set?.proposals ?? []).filter((p) => !state.rejected.has(p.id));
}

export function selectRejected(
  state: Pick<ProposalsState, 'set' | 'rejected'>,
): readonly Proposal[] {
  return (state.set?.proposals ?? []).filter((p) => state.rejected.has(p.id));
}

/** Pending proposals whose chosen option is low risk, with that option. */
export function lowRiskPending(
  state: Pick<ProposalsState, 'set' | 'rejected' | 'choices'>,
): { proposal: Proposal; option: ProposalOption }[] {
  return selectPending(state)
    .map((proposal) => ({ proposal, option: chosenOption(state, proposal) }))
    .filter(({ option }) => option.risk.level === 'low');
}

/** Whether the proposals describe the document's current text (else an update is on its way). */
export function selectCurrent(state: Pick<ProposalsState, 'computedFor'>, text: string): boolean {
  return state.computedFor === text;
}
