import type { PolicyIntent } from './model';

/**
 * What a policy can declare it is for (`intent:` at the top level). Intents change no verdict;
 * they let the checker flag grants that contradict them.
 */
export const POLICY_INTENTS: Readonly<Record<PolicyIntent, string>> = {
  'no-new-programs':
    'The program must not start other programs: allowing execve or execveat is flagged.',
};
