/**
 * Tests that need a loaded analysis say so: `loaded(analysis)` fails the test (with the model's
 * problems) unless the model loaded, and narrows the type so the test reads model, graph,
 * facts and threats directly.
 */
import { AssertionError } from 'node:assert';
import {
  analyze,
  type Analysis,
  type AnalysisOptions,
  type LoadedAnalysis,
} from '../../src/core/analysis';

export function loaded(analysis: Analysis): LoadedAnalysis {
  if (analysis.status !== 'loaded')
    throw new AssertionError({
      message: `the model did not load: ${analysis.problems.map((p) => `${p.code} ${p.message}`).join('; ')}`,
    });
  return analysis;
}

/** `analyze` for a text the test expects to load. */
export function analyzeLoaded(text: string, options?: AnalysisOptions): LoadedAnalysis {
  return loaded(analyze(text, options));
}
