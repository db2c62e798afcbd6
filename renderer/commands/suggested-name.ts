const SUFFIX = '.sandbox.yaml';
const MAX_STEM = 100;

/** What files.saveAs accepts: a plain file name ending in .sandbox.yaml (see app/api/contract). */
export const POLICY_FILE_NAME = /^[\w.-]+\.sandbox\.yaml$/;

/**
 * A file name for Save As: the current file's name when there is one, else one derived from the
 * policy's `name` ("OpenSSH pre-auth child" → `openssh-pre-auth-child.sandbox.yaml`).
 */
export function suggestedFileName(
  policyName: string | undefined,
  currentName: string | null,
): string {
  if (currentName && POLICY_FILE_NAME.test(currentName)) return currentName;
  const stem = (policyName ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, MAX_STEM)
    .replace(/[-.]+$/, '');
  return `${stem || 'policy'}${SUFFIX}`;
}

/** Completes what the user typed in the Save As box into a valid name, or says what is wrong. */
export function normalizeFileName(typed: string): { name: string } | { error: string } {
  let name = typed.trim();
  if (name === '') return { error: 'enter a file name' };
  if (/[\\/]/.test(name)) return { error: 'a plain file name, without folders' };
  if (!name.endsWith(SUFFIX)) name = name.replace(/\.ya?ml$/, '') + SUFFIX;
  if (!POLICY_FILE_NAME.test(name)) {
    return { error: 'use letters, digits, "_", "-" and "." only' };
  }
  if (name.length > 200) return { error: 'the name is too long' };
  return { name };
}
