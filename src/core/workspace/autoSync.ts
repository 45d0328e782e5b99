/**
 * The `mltm.register.autoSync` decision: after a save, is this a model whose register should be
 * synced now? Only a model file, only with the setting on, and only when the model loaded — a
 * text that does not parse would make every entry look stale, so sync is left for the person
 * to run once the model is fixed (sync itself refuses a model with errors, with a message).
 */
import type { Analysis } from '../analysis';
import { isModelPath } from './naming';

export function shouldAutoSync(input: {
  /** The saved file's path (or URI path). */
  readonly path: string;
  /** The `mltm.register.autoSync` setting for that file. */
  readonly enabled: boolean;
  /** The analysis of the saved text; undefined when none could be made. */
  readonly analysis: Analysis | undefined;
}): boolean {
  return input.enabled && isModelPath(input.path) && input.analysis?.status === 'loaded';
}
