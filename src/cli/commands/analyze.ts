/**
 * `mltm analyze <model>`: the threats on every component and flow, with the controls that
 * mitigate them and those missing; text for people, JSON (the documented contract) for scripts.
 */
import { analyze } from '../../core/analysis';
import { analysisProblemsToJson, analysisToJson } from '../../core/contract';
import { SEVERITY_ORDER } from '../../core/rules/types';
import type { Threat } from '../../core/rules/evaluate';
import { LineIndex } from '../../core/util/lineIndex';
import { inert } from '../../core/util/inert';
import type { Command } from '../command';
import { displayPath, EXIT, formatProblemLine, locate, plural, readUserFile } from '../io';
import { atlasOption, loadCustomPacks } from '../workspace';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'List the threats of a model and the controls missing',
  usage:
    'mltm analyze <model.mltm.yaml> [--format text|json] [--atlas <ATLAS.yaml>] [--min-severity <level>]',
  options: {
    format: { type: 'string', default: 'text', description: 'text or json (the stable contract)' },
    atlas: {
      type: 'string',
      description: 'an official MITRE ATLAS.yaml to use instead of the bundled catalogue',
    },
    'min-severity': {
      type: 'string',
      default: 'info',
      description: 'text output: hide threats below this severity',
    },
    'open-only': {
      type: 'boolean',
      default: false,
      description: 'text output: hide threats whose controls are all in place',
    },
  },
  async run({ positionals, values, io }) {
    if (positionals.length !== 1) {
      io.stderr('mltm analyze: give exactly one model file.\n');
      return EXIT.usage;
    }
    const format = String(values['format']);
    if (format !== 'text' && format !== 'json') {
      io.stderr(`mltm analyze: unknown --format \`${format}\`; use text or json.\n`);
      return EXIT.usage;
    }
    const minSeverity = String(values['min-severity']);
    if (!SEVERITY_ORDER.includes(minSeverity as never)) {
      io.stderr(
        `mltm analyze: unknown --min-severity \`${minSeverity}\`; use ${SEVERITY_ORDER.join(', ')}.\n`,
      );
      return EXIT.usage;
    }
    const path = positionals[0] as string;
    const file = displayPath(io.cwd, path);
    const read = readUserFile(path);
    if (read.text === undefined) {
      for (const p of locate(file, undefined, read.problems))
        io.stderr(formatProblemLine(p) + '\n');
      return EXIT.usage;
    }
    const atlas = await atlasOption(values['atlas'], io);
    if (atlas === false) return EXIT.usage;
    const custom = await loadCustomPacks(path, io.cwd);
    const analysis = analyze(read.text, { customPacks: custom.packs, ...(atlas && { atlas }) });
    const packTexts = new Map(custom.files.map((f) => [f, readUserFile(f).text ?? '']));
    // Problems of repository packs (from loading, and from assembling the rule set: duplicate
    // ids, unknown ATLAS ids, `disable` typos) name the pack as the user would type it.
    const packFile = (f: string) => (packTexts.has(f) ? displayPath(io.cwd, f) : f);
    const customProblems = custom.problems.map((g) => ({ ...g, file: packFile(g.file) }));
    const assemblyProblems = analysis.ruleProblems.map((g) => ({ ...g, file: packFile(g.file) }));
    const withPackProblems = {
      ...analysis,
      ruleProblems: [...assemblyProblems, ...customProblems],
    };
    const otherTexts = new Map([...packTexts].map(([f, t]) => [displayPath(io.cwd, f), t]));
    if (format === 'json') {
      const json = analysisToJson(withPackProblems, file, read.text, otherTexts);
      io.stdout(JSON.stringify(json, null, 2) + '\n');
      return json.problems.some((p) => p.severity === 'error') ? EXIT.findings : EXIT.ok;
    }
    const index = new LineIndex(read.text);
    const problems = analysisProblemsToJson(withPackProblems, file, index, otherTexts);
    const hasErrors = problems.some((p) => p.severity === 'error');
    for (const p of problems)
      io.stderr(
        `${p.file}:${p.range.startLine}:${p.range.startColumn}: ${p.severity} ${p.code} ${p.message}\n`,
      );
    if (analysis.status !== 'loaded') return EXIT.findings;
    io.stdout(
      formatThreatsText(
        file,
        analysis.model.name,
        analysis.atlas.version,
        analysis.threats,
        index,
        { minSeverity, openOnly: values['open-only'] === true },
      ),
    );
    return hasErrors ? EXIT.findings : EXIT.ok;
  },
};

const LABEL: Record<string, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFO',
};

/** Severity labels padded to one column. */
const SEVERITY_LABEL: Record<string, string> = Object.fromEntries(
  Object.entries(LABEL).map(([severity, label]) => [severity, label.padEnd(8)]),
);

const SEVERITY_RANK: ReadonlyMap<string, number> = new Map(SEVERITY_ORDER.map((s, i) => [s, i]));

/**
 * A threat's title, rule id and tags as listed. Every threat of a rule shares the rule's arrays
 * (a merged threat has its own), so the text is built once per rule and reused while the arrays
 * are the same ones: on a 1,000-component model this was most of the listing's cost.
 */
interface Heading {
  readonly title: string;
  readonly stride: readonly string[];
  readonly linddun: readonly string[];
  readonly atlas: readonly string[];
  readonly owasp: readonly string[];
  readonly text: string;
}

function headingText(t: Threat): string {
  // Privacy threats show their LINDDUN codes beside (or instead of) STRIDE letters.
  const letters = [
    ...(t.stride.length > 0 || t.linddun.length === 0 ? [`[${t.stride.join('')}]`] : []),
    ...(t.linddun.length > 0 ? [`[LINDDUN ${t.linddun.join(' ')}]`] : []),
  ];
  const tags = inert([...letters, ...t.atlas, ...t.owasp].join(' '));
  return `${inert(t.title)}  (${inert(t.ruleId)})  ${tags}`;
}

/** Human listing: threats grouped by element in file order, most severe first within each. */

export function formatThreatsText(
  file: string,
  name: string,
  atlasVersion: string,
  threats: readonly Threat[],
  index: LineIndex,
  options: { minSeverity: string; openOnly: boolean },
): string {
  const floor = SEVERITY_ORDER.indexOf(options.minSeverity as never);
  const headings = new Map<string, Heading>();
  const headingOf = (t: Threat): string => {
    const known = headings.get(t.ruleId);
    if (
      known &&
      known.title === t.title &&
      known.stride === t.stride &&
      known.linddun === t.linddun &&
      known.atlas === t.atlas &&
      known.owasp === t.owasp
    )
      return known.text;
    const text = headingText(t);
    headings.set(t.ruleId, {
      title: t.title,
      stride: t.stride,
      linddun: t.linddun,
      atlas: t.atlas,
      owasp: t.owasp,
      text,
    });
    return text;
  };
  const shown = threats.filter(
    (t) => SEVERITY_ORDER.indexOf(t.severity) >= floor && (!options.openOnly || !t.mitigated),
  );
  // Every model string through `inert`: a newline in a name must not start a forged line.
  const lines = [`${inert(file)} — ${inert(name)} (MITRE ATLAS ${inert(atlasVersion)})`, ''];
  const byElement = new Map<string, Threat[]>();
  for (const t of shown) {
    const list = byElement.get(t.element);
    if (list) list.push(t);
    else byElement.set(t.element, [t]);
  }
  for (const [element, list] of byElement) {
    const first = list[0] as Threat;
    const at = index.position(first.range.start);
    lines.push(
      `${first.elementType} ${inert(element)}${first.elementType === 'component' ? ` (${inert(first.elementKind)})` : ''}  ${inert(file)}:${at.line}:${at.column}`,
    );
    // Rule ids are `[a-z0-9-]`, where code-point order is collation order: `<`, not
    // localeCompare, which cost more than the rest of the output on a 1,000-component model.
    for (const t of list.sort(
      (a, b) =>
        (SEVERITY_RANK.get(b.severity) ?? 0) - (SEVERITY_RANK.get(a.severity) ?? 0) ||
        (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
    )) {
      lines.push(`  ${SEVERITY_LABEL[t.severity] ?? t.severity.padEnd(8)} ${headingOf(t)}`);
      if (t.missingControls.length > 0) {
        const anyOf = t.mitigations.anyOf.filter((c) => t.missingControls.includes(c));
        const allOf = t.missingControls.filter((c) => !anyOf.includes(c));
        const parts = [...allOf, ...(anyOf.length > 1 ? [`one of ${anyOf.join(' | ')}`] : anyOf)];
        lines.push(`           missing: ${inert(parts.join(', '))}`);
      } else if (t.mitigatedBy.length > 0) {
        lines.push(
          `           mitigated by: ${inert(
            t.mitigatedBy
              .map((e) =>
                e.how === 'implied'
                  ? `${e.control} (implied by ${e.impliedBy})`
                  : e.how === 'neighbour'
                    ? `${e.control} (on ${e.on.join(', ')})`
                    : e.control,
              )
              .join(', '),
          )}`,
        );
      }
    }
    lines.push('');
  }
  const perSeverity = new Map<string, number>();
  let open = 0;
  for (const t of threats) {
    perSeverity.set(t.severity, (perSeverity.get(t.severity) ?? 0) + 1);
    if (!t.mitigated) open++;
  }
  const counts = SEVERITY_ORDER.slice()
    .reverse()
    .map((s) => [s, perSeverity.get(s) ?? 0] as const)
    .filter(([, n]) => n > 0);
  lines.push(
    `${plural(threats.length, 'threat')}${counts.length > 0 ? ` (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}; ${open} with missing controls.${shown.length < threats.length ? ` ${threats.length - shown.length} hidden by filters.` : ''}`,
    '',
  );
  return lines.join('\n');
}
