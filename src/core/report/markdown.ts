/**
 * The Markdown report (`mltm report --format md`): what a reviewer reads in a pull request or on
 * a code host. Summary (counts by severity and status, ATLAS version, model hash, date), the
 * Mermaid diagram in a fence, then one table per component and per flow with every threat's
 * STRIDE letters, ATLAS techniques (linked), OWASP ids, severity, status from the register,
 * owner, justification and missing controls, followed by how each threat would be detected and
 * contained, and the NIST AI RMF summary (which subcategories the model's controls evidence and
 * which have open threats). Privacy threats show their LINDDUN codes where STRIDE letters are.
 * Pure GitHub-flavoured Markdown: no raw HTML, every model string escaped.
 */
import { STRIDE_BY_LETTER, type StrideLetter } from '../kb/stride';
import { LINDDUN_BY_CODE, type LinddunCode } from '../kb/linddun';
import { aiRmfSummary, NIST_AI_RMF_SOURCE, NIST_AI_RMF_URL } from '../kb/nistAiRmf';
import { executiveText } from './executive';
import { modelToMermaid } from './mermaid';
import { atlasRef, capitalise, mdLink, mdText, owaspRef, sentence } from './text';
import {
  buildReportView,
  isOpen,
  statusLabel,
  type ElementGroup,
  type ReportInput,
  type ReportView,
  type ThreatRow,
} from './view';

const DASH = '—';

/** Mermaid's default `maxTextSize`, which code hosts keep: longer diagrams do not render there. */
export const CODE_HOST_MERMAID_LIMIT = 50_000;

function cell(value: string | undefined): string {
  return value === undefined || value.trim() === '' ? DASH : mdText(value);
}

function summary(view: ReportView): string[] {
  const { input } = view;
  const lines = ['| | |', '|---|---|'];
  lines.push(`| Model | ${mdText(input.file)} |`);
  lines.push(`| Model hash | ${view.modelHash} |`);
  lines.push(`| MITRE ATLAS data | ${mdText(view.atlasVersion)} |`);
  lines.push(`| Generated | ${mdText(input.generatedAt)} by mltm ${mdText(input.toolVersion)} |`);
  lines.push(
    `| Threat register | ${input.register ? `${mdText(input.registerFile ?? '')} (${input.register.entries.length} entries)` : 'none: statuses come from the controls in the model'} |`,
  );
  if (input.diff)
    lines.push(
      `| Compared with | ${mdText(input.baseLabel ?? 'base')}: ${input.diff.added.length} added, ${input.diff.removed.length} removed, ${input.diff.changed.length} changed |`,
    );
  const open = view.rows.filter((r) => isOpen(r.status)).length;
  lines.push('', `**${view.rows.length} threats, ${open} open.**`, '');
  const statuses = view.statuses;
  lines.push(`| Severity | Total | ${statuses.map((s) => mdText(capitalise(s))).join(' | ')} |`);
  lines.push(`|---|---:|${statuses.map(() => '---:').join('|')}|`);
  for (const s of view.bySeverity)
    lines.push(
      `| ${capitalise(s.severity)} | ${s.total} | ${statuses.map((st) => s.byStatus[st] ?? 0).join(' | ')} |`,
    );
  lines.push(
    `| **Total** | **${view.rows.length}** | ${statuses.map((st) => `**${view.rows.filter((r) => r.status === st).length}**`).join(' | ')} |`,
  );
  const problems = input.registerProblems ?? [];
  if (problems.length > 0) {
    lines.push('', '### Register problems', '');
    for (const p of problems)
      lines.push(
        `- ${mdText(`${p.file}:${p.line}:${p.column}`)} ${mdText(p.severity)} ${mdText(p.code)}: ${mdText(p.message)}`,
      );
  }
  return lines;
}

function strideCell(letters: readonly string[], linddun: readonly string[] = []): string {
  const stride = letters
    .map((l) => `${l} ${STRIDE_BY_LETTER.get(l as StrideLetter)?.name ?? ''}`.trim())
    .map(mdText)
    .join(', ');
  const privacy = linddun
    .map((c) => `${c} ${LINDDUN_BY_CODE.get(c as LinddunCode)?.name ?? ''}`.trim())
    .map(mdText)
    .join(', ');
  return [stride, privacy && `LINDDUN: ${privacy}`].filter(Boolean).join('; ') || DASH;
}

/** The NIST AI RMF summary of the model: evidence from its controls, open threats per subcategory. */
function governance(view: ReportView): string[] {
  const open = view.rows.filter((r) => isOpen(r.status)).map((r) => r.threat);
  const rows = aiRmfSummary(view.input.analysis.facts.controlsAnywhere, open);
  const lines = [
    '## NIST AI RMF',
    '',
    `Subcategories of the ${mdLink(NIST_AI_RMF_SOURCE, NIST_AI_RMF_URL)} that this model speaks to: the controls it declares that give evidence for each, and the open threats that fall under it (security threats under MEASURE 2.7, privacy threats under MEASURE 2.10, legal-duty privacy threats also under GOVERN 1.1, every threat also under the subcategories of the controls that would mitigate it). Summaries are paraphrases; the framework's text is authoritative.`,
    '',
    '| Function | Subcategory | Summary | Evidenced by controls | Open threats |',
    '|---|---|---|---|---:|',
  ];
  for (const row of rows)
    lines.push(
      `| ${row.subcategory.fn} | ${row.subcategory.id} | ${mdText(row.subcategory.summary)} | ${row.evidence.map(mdText).join(', ') || DASH} | ${row.openThreats} |`,
    );
  lines.push('');
  return lines;
}

function threatCell(row: ThreatRow): string {
  const mark = row.change
    ? `*${row.change.kind === 'added' ? 'new' : `changed: ${mdText(row.change.what.join('; '))}`}* `
    : '';
  // A merged threat (`covers`) names the generic threats it stands for.
  const merged = (row.threat.merged ?? [])
    .map((m) => `${mdText(m.title)} (${mdText(m.id)})`)
    .join('; ');
  return `${mark}${mdText(row.threat.title)} (${mdText(row.threat.id)})${merged ? `; also covers ${merged}` : ''}`;
}

function table(view: ReportView, group: ElementGroup): string[] {
  const lines = [
    `### ${mdText(group.name)} (${mdText(group.id)}, ${mdText(group.detail)})`,
    '',
    `${mdText(view.input.file)}, line ${group.start.line}`,
    '',
    '| Severity | Risk | Threat | STRIDE | MITRE ATLAS | OWASP | Status | Owner | Justification | Missing controls |',
    '|---|---:|---|---|---|---|---|---|---|---|',
  ];
  for (const row of group.rows) {
    const t = row.threat;
    const atlas =
      t.atlas
        .map((id) => atlasRef(id, view.input.analysis.atlas))
        .map((r) => `${mdLink(r.id, r.url)}${r.name ? ` ${mdText(r.name)}` : ''}`)
        .join('; ') || DASH;
    const owasp =
      t.owasp
        .map(owaspRef)
        .map((r) => mdLink(r.id, r.url) + (r.name ? ` ${mdText(r.name)}` : ''))
        .join('; ') || DASH;
    const owner = row.owner;
    const justification = row.entry?.justification;
    lines.push(
      `| ${capitalise(t.severity)} | ${row.risk?.score ?? DASH} | ${threatCell(row)} | ${strideCell(t.stride, t.linddun)} | ${atlas} | ${owasp} | ${mdText(statusLabel(row.status))} | ${cell(owner)} | ${cell(justification)} | ${t.missingControls.map(mdText).join(', ') || DASH} |`,
    );
  }
  lines.push('', '**Detect and contain**', '');
  for (const row of group.rows) {
    const t = row.threat;
    lines.push(
      `- **${mdText(t.title)}**. *Detect:* ${t.detection ? mdText(sentence(t.detection)) : 'the rule gives no detection guidance.'} *Contain:* ${t.containment ? mdText(sentence(t.containment)) : 'the rule gives no containment guidance.'}`,
    );
  }
  lines.push('');
  return lines;
}

function changes(view: ReportView): string[] {
  const diff = view.input.diff;
  if (!diff) return [];
  const lines = [`## Changes since ${mdText(view.input.baseLabel ?? 'base')}`, ''];
  if (diff.added.length + diff.removed.length + diff.changed.length === 0)
    return [...lines, 'No threat was added, removed or changed.', ''];
  const item = (
    c: {
      id: string;
      title: string;
      changes: readonly string[];
      after?: { severity: string };
      before?: { severity: string };
    },
    sign: string,
  ) =>
    `- ${sign} ${mdText(c.title)} (${mdText(c.id)}), ${mdText((c.after ?? c.before)?.severity ?? '')}${sign === 'changed:' ? `: ${mdText(c.changes.join('; '))}` : ''}`;
  lines.push(
    ...diff.added.map((c) => item(c, 'added:')),
    ...diff.removed.map((c) => item(c, 'removed:')),
    ...diff.changed.map((c) => item(c, 'changed:')),
    '',
  );
  return lines;
}

/** The executive summary, in plain words, before any table. */
function executive(input: ReportInput): string[] {
  const text = executiveText(input);
  if (!text) return [];
  const lines = ['## Executive summary', '', mdText(text.intro), ''];
  if (text.risks.length === 0) return lines;
  text.risks.forEach((r, i) => {
    // The why goes on its own line in the same item (a backslash is a hard line break).
    lines.push(`${i + 1}. **${mdText(r.title)}**${mdText(r.rest)}${r.why ? '\\' : ''}`);
    if (r.why) lines.push(`   *${mdText(r.why)}*`);
  });
  lines.push('', '**What to fix first.**', '');
  text.steps.forEach((s, i) => lines.push(`${i + 1}. ${mdText(s)}`));
  lines.push('', `**Residual risk.** ${mdText(text.residual)}`, '');
  lines.push('**Incident-response readiness** for the top risks:', '');
  for (const r of text.readiness) lines.push(`- ${mdText(r)}`);
  lines.push('');
  return lines;
}

/** The Markdown report. */
export function renderMarkdown(
  input: ReportInput,
  view: ReportView = buildReportView(input),
): string {
  const lines = [`# Threat model report: ${mdText(view.modelName)}`, ''];
  lines.push(...executive(input));
  lines.push(...summary(view), '');
  if (input.analysis.problems.some((p) => p.severity === 'error'))
    lines.push(
      '> **The model has errors**; run `mltm validate` on it. Threats below may be incomplete.',
      '',
    );
  const diagram = modelToMermaid(input.analysis, {
    ...(input.register && { register: input.register }),
  });
  lines.push('## Diagram', '');
  if (diagram.length > CODE_HOST_MERMAID_LIMIT) {
    // Code hosts render Mermaid with its default text limit; a larger diagram would show as an error box.
    lines.push(
      `The diagram (${diagram.length} characters of Mermaid) is over the ${CODE_HOST_MERMAID_LIMIT}-character limit code hosts render; see the HTML report (\`mltm report --format html\`) or \`--format mermaid\`.`,
      '',
    );
  } else {
    lines.push(
      '```mermaid',
      diagram.trimEnd(),
      '```',
      '',
      'Red components and flows have open high or critical threats; dashed boxes are trust boundaries.',
      '',
    );
  }
  lines.push(...changes(view));
  lines.push(...governance(view));
  const components = view.components.filter((g) => g.rows.length > 0);
  const flows = view.flows.filter((g) => g.rows.length > 0);
  lines.push('## Threats by component', '');
  if (components.length === 0) lines.push('No component threats.', '');
  for (const g of components) lines.push(...table(view, g));
  lines.push('## Threats by flow', '');
  if (flows.length === 0) lines.push('No flow threats.', '');
  for (const g of flows) lines.push(...table(view, g));
  lines.push(
    '---',
    '',
    `Generated by mltm ${mdText(input.toolVersion)}. MITRE ATLAS data ${mdText(view.atlasVersion)} (Apache-2.0, (c) MITRE); ATLAS names link to atlas.mitre.org.`,
    '',
  );
  return lines.join('\n');
}
