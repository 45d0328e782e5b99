/**
 * The "add the missing control" refactor: one minimal text edit that adds a control kind to a
 * component's or flow's `controls` list, matching the list's style (`[a, b]` or `- a` lines) and
 * creating the list when the element has none. Comments and formatting elsewhere are untouched.
 * Used by the editor's quick fix and the diagram's "add control" action.
 */
import { problem, type Problem, type SourceRange } from '../problems';
import type { PipelineModel } from '../model/types';
import { yamlScalar, type TextEdit } from './textEdit';

/** The edit adding `control` to element `elementId`; no edit (and no problem) when it is already there. */
export function planAddControl(
  text: string,
  model: PipelineModel,
  elementId: string,
  control: string,
): { edit?: TextEdit; problems: Problem[] } {
  const none: SourceRange = { start: 0, end: 0 };
  const element =
    model.components.find((c) => c.id === elementId) ?? model.flows.find((f) => f.id === elementId);
  if (!element)
    return {
      problems: [problem('MLTM201', `No component or flow has the id \`${elementId}\`.`, none)],
    };
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(control))
    return { problems: [problem('MLTM105', `\`${control}\` is not a control kind.`, none)] };
  if (element.controls.includes(control)) return { problems: [] };
  const scalar = yamlScalar(control);
  // New lines take the file's own line ending, so a Windows file does not come out mixed.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const list = model.sourceMap.get(`${element.pointer}/controls`)?.value;
  if (list) {
    if (text[list.start] === '[') {
      const close = text.lastIndexOf(']', list.end);
      const inside = text.slice(list.start + 1, close).trim();
      const at = inside === '' ? list.start + 1 : trimEndOffset(text, close);
      return {
        edit: { range: { start: at, end: at }, newText: inside === '' ? scalar : `, ${scalar}` },
        problems: [],
      };
    }
    const lastIndex = element.controls.length - 1;
    const last = model.sourceMap.get(`${element.pointer}/controls/${lastIndex}`)?.value;
    if (last) {
      const lineStart = text.lastIndexOf('\n', last.start - 1) + 1;
      const prefix = text.slice(lineStart, last.start);
      if (/^\s*-\s+$/.test(prefix)) {
        // After the item's line, so a comment on that line stays with the item it describes.
        const at = endOfLine(text, last.end);
        return {
          edit: { range: { start: at, end: at }, newText: `${eol}${prefix}${scalar}` },
          problems: [],
        };
      }
    }
    // An empty value (`controls:`) or a shape we do not recognise: write the whole list.
    return {
      edit: {
        range: list,
        newText: `[${[...element.controls.map(yamlScalar), scalar].join(', ')}]`,
      },
      problems: [],
    };
  }
  const range = element.range;
  if (text[range.start] === '{') {
    const close = text.lastIndexOf('}', range.end);
    const at = trimEndOffset(text, close);
    return {
      edit: { range: { start: at, end: at }, newText: `, controls: [${scalar}]` },
      problems: [],
    };
  }
  const lineStart = text.lastIndexOf('\n', range.start - 1) + 1;
  const indent = ' '.repeat(range.start - lineStart);
  // The element's range ends at its last value; a comment after it on that line stays there.
  const at = endOfLine(text, range.end);
  return {
    edit: { range: { start: at, end: at }, newText: `${eol}${indent}controls: [${scalar}]` },
    problems: [],
  };
}

/**
 * The end of the line holding `offset` (before its `\r\n` or `\n`), less trailing spaces: where a
 * new line goes after a value and any comment beside it.
 */
function endOfLine(text: string, offset: number): number {
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  return Math.max(offset, trimEndOffset(text, end));
}

/** The offset just after the last non-whitespace character before `offset`. */
function trimEndOffset(text: string, offset: number): number {
  let at = Math.min(offset, text.length);
  while (at > 0 && /\s/.test(text[at - 1] ?? '')) at--;
  return at;
}
