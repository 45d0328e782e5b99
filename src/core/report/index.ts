/**
 * One entry for every report format, used by the CLI (`mltm report`), the extension and the
 * benchmark: `renderReport(format, input)` returns the report text. Pure: no file or network
 * access; callers read the model, the register and (for HTML) the Mermaid library.
 */
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
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

export type { ReportInput, RegisterNote } from './view';
export { modelToMermaid, type MermaidOptions } from './mermaid';
