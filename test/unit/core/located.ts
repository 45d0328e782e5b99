/**
 * Test helpers for located problems: where a problem starts as `line:col` (what users see in
 * the CLI and the editor), and the offset of a piece of text, so tests state positions plainly.
 */
import assert from 'node:assert/strict';
import type { Problem, SourceRange } from '../../../src/core/problems';
import { LineIndex } from '../../../src/core/util/lineIndex';

/** `line:col` (1-based) of an offset in a text. */
export function lineCol(text: string, offset: number): string {
  const { line, column } = new LineIndex(text).position(offset);
  return `${line}:${column}`;
}

/** `line:col` of where a range starts. */
export function startOf(text: string, range: SourceRange): string {
  return lineCol(text, range.start);
}

/** The text a range covers. */
export function slice(text: string, range: SourceRange): string {
  return text.slice(range.start, range.end);
}

/** The only problem with a code; fails listing every problem when there is not exactly one. */
export function onlyProblem(problems: readonly Problem[], code: string): Problem {
  const found = problems.filter((p) => p.code === code);
  assert.equal(
    found.length,
    1,
    `expected one ${code}, got: ${JSON.stringify(
      problems.map((p) => `${p.code} ${p.message}`),
      null,
      1,
    )}`,
  );
  return found[0] as Problem;
}

/** Codes of the problems, in order. */
export function codes(problems: readonly Problem[]): string[] {
  return problems.map((p) => p.code);
}
