/**
 * `mltm report <model> --format md|html|sarif|json|mermaid [--output <file>] [--base <rev>]`:
 * a report for reviewers (Markdown with a Mermaid diagram, standalone HTML), for code-scanning
 * dashboards (SARIF 2.1.0) or for scripts (JSON), with the register's decisions and, with
 * `--base`, what the change under review added or removed. The date is an input
 * (`--date`, or `SOURCE_DATE_EPOCH`) so reports can be reproduced byte for byte.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPORT_FORMATS,
  renderMermaidPath,
  renderReport,
  type ReportFormat,
} from '../../core/report';
import { reportTimestamp } from '../../core/report/input';
import { reportInputFor } from '../../core/workspace/report';
import { MERMAID_BUNDLE_SEGMENTS } from '../../core/report/vendorPaths';
import type { Command } from '../command';
import { describeWriteFailure, refusedOutputReason, writeOutputFile } from '../atomicWrite';
import { EXIT } from '../io';
import {
  DATE_EXAMPLE,
  MAX_EPOCH_SECONDS,
  parseEpochSeconds,
  parseTimestamp,
} from '../../core/util/date';
import { quoteInline } from '../../core/util/inert';
import { loadModelContext } from '../modelContext';
import { atlasOption } from '../workspace';
import { registerPathFor, todayIso } from './sync';
import { version } from '../../../package.json';

/**
 * The report date: `--date`, else `SOURCE_DATE_EPOCH` (reproducible builds), else now; ISO 8601
 * to the second. A value that is not a real moment is refused with the line to show (an empty
 * `SOURCE_DATE_EPOCH` counts as unset, as shells write `SOURCE_DATE_EPOCH=` to clear it).
 */
export function reportDate(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): { readonly date: string } | { readonly error: string } {
  if (option !== undefined) {
    const parsed = parseTimestamp(option);
    return parsed
      ? { date: reportTimestamp(parsed) }
      : {
          error: `--date ${quoteInline(option)} is not a date; use a real date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (e.g. ${DATE_EXAMPLE}).`,
        };
  }
  const epoch = env['SOURCE_DATE_EPOCH'];
  if (epoch === undefined || epoch === '') return { date: reportTimestamp(now) };
  const parsed = parseEpochSeconds(epoch);
  return parsed
    ? { date: reportTimestamp(parsed) }
    : {
        error: `SOURCE_DATE_EPOCH ${quoteInline(epoch)} is not a time mltm can show: use whole seconds since 1970-01-01 up to ${MAX_EPOCH_SECONDS} (9999-12-31), or unset it.`,
      };
}

/** A folder as an absolute `file:` URI ending in `/`, as SARIF's `originalUriBaseIds` wants it. */
export function folderUri(folder: string): string {
  const href = pathToFileURL(resolve(folder)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** The text of the bundled `mermaid.min.js`, for the HTML report; undefined when it cannot be found. */
export function readMermaidLibrary(): string | undefined {
  // The bundled CLI runs from dist/: the build's copy in dist/vendor comes first.
  const candidates: string[] = [
    join(__dirname, ...MERMAID_BUNDLE_SEGMENTS.slice(1)),
    join(__dirname, '..', ...MERMAID_BUNDLE_SEGMENTS),
  ];
  try {
    candidates.push(require.resolve('mermaid/dist/mermaid.min.js'));
  } catch {
    // Not resolvable from here (a bundle moved away from node_modules): try beside the package.
  }
  candidates.push(join(__dirname, '..', 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'));
  for (const candidate of candidates)
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
  return undefined;
}

export const reportCommand: Command = {
  name: 'report',
  writesDocuments: true,
  summary: 'Write a threat report: Markdown, HTML, SARIF, JSON, Mermaid or OTM',
  usage:
    'mltm report <model.mltm.yaml> [--format md|html|sarif|json|mermaid|otm] [--output <file>] [--base <git-rev>] [--date <YYYY-MM-DD[THH:MM:SSZ]>] [--atlas <ATLAS.yaml>] [--path <path-id>]',
  options: {
    format: {
      type: 'string',
      default: 'md',
      description: 'md, html, sarif, json, mermaid or otm (Open Threat Model 0.2.0)',
    },
    output: {
      type: 'string',
      short: 'o',
      description: 'write the report to this file (default: standard output)',
    },
    base: {
      type: 'string',
      description:
        'a git revision: mark the threats the change since it added or changed, and list those it removed',
    },
    date: {
      type: 'string',
      description: 'the generation date shown in the report (default: SOURCE_DATE_EPOCH, else now)',
    },
    atlas: {
      type: 'string',
      description: 'an official MITRE ATLAS.yaml to use instead of the bundled catalogue',
    },
    path: {
      type: 'string',
      description:
        'with --format mermaid: highlight this attack path (an id `mltm plan` lists, path-…)',
    },
  },
  async run({ positionals, values, io }) {
    if (positionals.length !== 1) {
      io.stderr(`mltm report: give exactly one model file.\nUsage: ${reportCommand.usage}\n`);
      return EXIT.usage;
    }
    const format = String(values['format']) as ReportFormat;
    if (!REPORT_FORMATS.includes(format)) {
      io.stderr(`mltm report: unknown --format \`${format}\`; use ${REPORT_FORMATS.join(', ')}.\n`);
      return EXIT.usage;
    }
    const pathId = typeof values['path'] === 'string' ? values['path'] : undefined;
    if (pathId !== undefined && format !== 'mermaid') {
      io.stderr(
        'mltm report: --path highlights an attack path in the diagram; use it with --format mermaid.\n',
      );
      return EXIT.usage;
    }
    const when = reportDate(typeof values['date'] === 'string' ? values['date'] : undefined);
    if ('error' in when) {
      io.stderr(`mltm report: ${when.error}\n`);
      return EXIT.usage;
    }
    const generatedAt = when.date;
    const atlas = await atlasOption(values['atlas'], io);
    if (atlas === false) return EXIT.usage;
    const base = typeof values['base'] === 'string' ? values['base'] : undefined;
    const loaded = await loadModelContext(positionals[0] as string, {
      cwd: io.cwd,
      today: todayIso(io),
      ...(atlas && { atlas }),
      ...(base !== undefined && { base }),
    });
    if (loaded.errors) {
      for (const line of loaded.errors) io.stderr(line + '\n');
      io.stderr('mltm report: fix the input above; no report was written.\n');
      return EXIT.usage;
    }
    const c = loaded.context;
    let mermaidScript: string | undefined;
    if (format === 'html') {
      mermaidScript = readMermaidLibrary();
      if (mermaidScript === undefined)
        io.stderr(
          'mltm report: the mermaid library was not found; the HTML report shows the diagram as Mermaid source.\n',
        );
    }
    const made = reportInputFor(c.session, {
      display: c.display,
      // `c.file` is relative to the working folder when the model is inside it.
      baseUri: folderUri(io.cwd),
      generatedAt,
      toolVersion: version,
      ...(c.diff && { diff: { diff: c.diff, ...(base !== undefined && { baseLabel: base }) } }),
      ...(mermaidScript !== undefined && { mermaidScript }),
    });
    // loadModelContext refused every session reportInputFor would refuse.
    if (!made.input) {
      io.stderr(`mltm report: ${made.refusal.reason}; no report was written.\n`);
      return EXIT.usage;
    }
    const input = made.input;
    let text: string;
    if (pathId === undefined) text = renderReport(format, input);
    else {
      const highlighted = renderMermaidPath(input, pathId);
      if ('error' in highlighted) {
        io.stderr(`mltm report: ${highlighted.error}; no report was written.\n`);
        return EXIT.usage;
      }
      text = highlighted.text;
    }
    const output = typeof values['output'] === 'string' ? values['output'] : undefined;
    // `--output /dev/stdout` is standard output by its name: written as without --output.
    if (output === undefined || output === '/dev/stdout') {
      io.stdout(text);
      return EXIT.ok;
    }
    const target = resolve(io.cwd, output);
    const modelPath = resolve(io.cwd, positionals[0] as string);
    const refusal = refusedOutputReason(target, [
      modelPath,
      registerPathFor(modelPath),
      ...(typeof values['atlas'] === 'string' ? [resolve(io.cwd, values['atlas'])] : []),
    ]);
    if (refusal !== undefined) {
      io.stderr(
        `mltm report: will not write the report over \`${output}\`: ${refusal}. Choose another --output; nothing was written.\n`,
      );
      return EXIT.usage;
    }
    try {
      writeOutputFile(target, text);
    } catch (error) {
      io.stderr(`mltm report: ${describeWriteFailure(error, output)}\n`);
      return EXIT.usage;
    }
    io.stderr(
      `mltm report: wrote ${output} (${format}, ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB).\n`,
    );
    return EXIT.ok;
  },
};
