import { STRACE_CHUNK_MAX_CHARS } from '../../../app/api/contract';
import { FormatError } from '../../../app/formats/format-result';
import { StracePolicyLearner } from '../../../app/formats/strace-log';
import { DEFAULT_IMPORT_OPTIONS, type ImportOptions } from './conversion-options';
import type { ImportInput, ImportResult } from './conversions';
import { logPieces } from './log-pieces';

/*
 * "Open as policy" of an strace log too large to read at once: the log read a slice at a time
 * and its syscalls learnt as it goes (StracePolicyLearner keeps names only), so a 100 MB log
 * neither fills the renderer's memory nor stalls the window; progress is reported per slice.
 */

export interface StreamedImportControl {
  readonly signal?: AbortSignal;
  /** How much of the log has been read, 0 to 1. */
  readonly onProgress?: (fraction: number) => void;
}

/** The policy of the log, or null when `signal` aborted the reading. */
export async function importStreamed(
  input: ImportInput,
  options: ImportOptions = DEFAULT_IMPORT_OPTIONS,
  control: StreamedImportControl = {},
): Promise<ImportResult | null> {
  const learner = new StracePolicyLearner({
    source: input.name,
    ...(options.arch && { arch: options.arch }),
  });
  try {
    for await (const piece of logPieces(input, STRACE_CHUNK_MAX_CHARS)) {
      if (control.signal?.aborted) return null;
      learner.push(piece.text);
      control.onProgress?.(piece.fraction);
    }
    const { policyText, warnings } = learner.finish();
    return {
      ok: true,
      policyText,
      warnings: warnings.map((w) => ({ message: w.message, ...(w.range && { range: w.range }) })),
    };
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    return {
      ok: false,
      error: { message: error.message, ...(error.range && { range: error.range }) },
    };
  }
}
