/**
 * One entry for every report format, used by the CLI (`mltm report`), the extension and the
 * benchmark: `renderReport(format, input)` returns the report text. Pure: no file or network
 * access; callers read the model, the register and (for HTML) the Mermaid library.
 */
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import { reportDecision } from './decision';
import { modelToMermaid } from './mermaid';
import { renderOtm } from './otm';
import { renderSarif } from './sarif';
import { buildReportView, type ReportInput } from './view';

export type ReportFormat = 'md' | 'html' | 'sarif' | 'json' | 'mermaid' | 'otm';
export const REPORT_FORMATS: readonly ReportFormat[] = [
  'md',
  'html',
  'sarif',
  'json',
  'mermaid',
  'otm',
];

/** File extension for a report format. */
export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  md: '.md',
  html: '.html',
  sarif: '.sarif',
  json: '.json',
  mermaid: '.mmd',
  otm: '.otm.json',
};

/** Renders a report in one format. */
export function renderReport(format: ReportFormat, input: ReportInput): string {
  switch (format) {
    case 'mermaid':
      return modelToMermaid(input.analysis, {
        ...(input.register && { register: input.register }),
      });
    case 'md':
      return renderMarkdown(input, buildReportView(input));
    case 'html':
      return renderHtml(input, buildReportView(input));
    case 'sarif':
      return renderSarif(input, buildReportView(input));
    case 'json':
      return renderJson(input, buildReportView(input));
    case 'otm':
      return renderOtm(buildReportView(input));
  }
}

/**
 * The Mermaid diagram with one attack path highlighted, by its id (`path-…`, as `mltm plan`
 * lists them); an error naming the model's paths when it has no such path.
 */
export function renderMermaidPath(
  input: ReportInput,
  pathId: string,
): { text: string } | { error: string } {
  const paths = reportDecision(input)?.paths ?? [];
  const path = paths.find((p) => p.id === pathId);
  if (!path) {
    const known = paths.slice(0, 5).map((p) => p.id);
    return {
      error:
        paths.length === 0
          ? `no attack path \`${pathId}\`: this model has no attack paths`
          : `no attack path \`${pathId}\` in this model; its riskiest: ${known.join(', ')}${paths.length > known.length ? ', …' : ''} (\`mltm plan\` lists them all)`,
    };
  }
  return {
    text: modelToMermaid(input.analysis, {
      ...(input.register && { register: input.register }),
      highlightPath: path.steps.map((s) => s.element),
    }),
  };
}

export type { ReportInput, RegisterNote } from './view';
export { modelToMermaid, type MermaidOptions } from './mermaid';
