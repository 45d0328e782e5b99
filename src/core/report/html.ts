/**
 * The HTML report (`mltm report --format html`): one self-contained file that opens offline,
 * prints cleanly, and can be attached to a ticket or an audit.
 *
 * The diagram is drawn in the page by the bundled `mermaid` library, inlined. Why not a
 * pre-rendered SVG: Mermaid lays out only in a browser (it needs a DOM), and a second layout
 * engine for reports would draw a different picture from the one reviewers see in the Markdown
 * report on the code host; inlining the pinned library keeps one diagram everywhere, at the
 * price of file size (~5.5 MB). The Mermaid source stays in the page as text, so the report is
 * still complete where scripts are off.
 *
 * Safety: every model string is HTML-escaped; a strict CSP meta tag allows only the two inline
 * scripts by their SHA-256 hash (the library and the small filter/diagram script below), no
 * network (`default-src 'none'`), no inline event handlers. Styles need `'unsafe-inline'`
 * because Mermaid writes `<style>` and `style` attributes into its SVG; no model text can reach
 * CSS, since it is escaped everywhere.
 */
import { riskExplained } from '../decide/explain';
import { STRIDE } from '../kb/stride';
import { LINDDUN } from '../kb/linddun';
import { aiRmfSummary, NIST_AI_RMF_SOURCE, NIST_AI_RMF_URL } from '../kb/nistAiRmf';
import { SEVERITY_ORDER } from '../rules/types';
import { sha256Base64 } from '../util/sha256';
import { executiveText } from './executive';
import { modelToMermaid } from './mermaid';
import { atlasRef, capitalise, htmlText, owaspRef, type LinkedId } from './text';
import {
  buildReportView,
  isOpen,
  statusLabel,
  type ReportInput,
  type ReportView,
  type ThreatRow,
} from './view';

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1400px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 .4em; } h2 { font-size: 1.25em; border-bottom: 1px solid var(--line); padding-bottom: .2em; margin-top: 1.6em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; } dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
#threat-table td:nth-child(8) { white-space: nowrap; } #threat-table td:last-child { min-width: 20em; } #threat-table td:nth-child(4) { min-width: 14em; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; }
.sev { font-weight: 600; border-radius: 4px; padding: 0 4px; white-space: nowrap; }
.sev-critical { background: #82071e; color: #fff; } .sev-high { background: #cf222e; color: #fff; } .sev-medium { background: #bf8700; color: #fff; } .sev-low { background: #ddf4ff; } .sev-info { background: #eee; }
.st-open { color: #cf222e; font-weight: 600; } .change { font-size: .85em; background: #fff8c5; border-radius: 4px; padding: 0 3px; }
.muted, small { color: var(--muted); } code { font-family: ui-monospace, monospace; font-size: .9em; }
#filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; background: #f6f8fa; border: 1px solid var(--line); padding: 8px 12px; border-radius: 6px; }
#filters fieldset { border: 0; margin: 0; padding: 0; } #filters legend { font-weight: 600; } #filters label { margin-right: 8px; white-space: nowrap; }
#diagram-box { overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: 8px; } #diagram-box svg { max-width: 100%; height: auto; }
pre.source { white-space: pre-wrap; font-size: 12px; }
[hidden] { display: none !important; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; } #filters, .no-print { display: none !important; }
  a { color: inherit; text-decoration: none; } tr { break-inside: avoid; } h2 { break-after: avoid; }
  #diagram-box { border: 0; overflow: visible; } .sev { border: 1px solid #000; }
}
`;

/** The page's own script: filters, and drawing the diagram with the inlined Mermaid. */
const APP_SCRIPT = `(function () {
  'use strict';
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[data-filter]'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.threat'));
  var count = document.getElementById('shown-count');
  function selected(kind) {
    var set = {};
    boxes.forEach(function (b) { if (b.getAttribute('data-filter') === kind && b.checked) set[b.value] = true; });
    return set;
  }
  function apply() {
    var severity = selected('severity'), status = selected('status'), stride = selected('stride');
    var category = selected('category'), linddun = selected('linddun');
    var shown = 0;
    rows.forEach(function (row) {
      var letters = (row.getAttribute('data-stride') || '').split(' ').filter(Boolean);
      var codes = (row.getAttribute('data-linddun') || '').split(' ').filter(Boolean);
      var visible = severity[row.getAttribute('data-severity')] === true && status[row.getAttribute('data-status')] === true &&
        category[row.getAttribute('data-category')] === true &&
        (letters.length === 0 || letters.some(function (l) { return stride[l] === true; })) &&
        (codes.length === 0 || codes.some(function (c) { return linddun[c] === true; }));
      row.hidden = !visible;
      if (visible) shown++;
    });
    if (count) count.textContent = shown + ' of ' + rows.length + ' threats shown';
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  apply();
  var source = document.getElementById('diagram-source');
  var box = document.getElementById('diagram-box');
  var note = document.getElementById('diagram-note');
  var mermaid = window.mermaid;
  if (!source || !box || !mermaid) return;
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', maxTextSize: 10000000, maxEdges: 100000 });
  mermaid.render('mltm-diagram-svg', source.textContent).then(function (result) {
    box.innerHTML = result.svg;
    box.hidden = false;
    source.hidden = true;
    if (note) note.textContent = 'Red components and flows have open high or critical threats; dashed boxes are trust boundaries.';
  }, function (error) {
    if (note) note.textContent = 'The diagram could not be drawn (' + (error && error.message ? error.message : String(error)) + '); its Mermaid source is shown instead.';
  });
})();`;

const APP_SCRIPT_HASH = sha256Base64(APP_SCRIPT);
let libraryHashCache: { script: string; hash: string } | undefined;

/** CSP hash of the inlined library, computed once per library text (it is megabytes). */
function libraryHash(script: string): string {
  if (libraryHashCache?.script !== script)
    libraryHashCache = { script, hash: sha256Base64(script) };
  return libraryHashCache.hash;
}

function link(ref: LinkedId): string {
  const label = htmlText(ref.id);
  const name = ref.name ? ` <span class="muted">${htmlText(ref.name)}</span>` : '';
  return ref.url && /^https:\/\//.test(ref.url)
    ? `<a href="${htmlText(ref.url)}">${label}</a>${name}`
    : `${label}${name}`;
}

/** The NIST AI RMF summary: evidence from the model's controls, open threats per subcategory. */
function governance(view: ReportView): string[] {
  const open = view.rows.filter((r) => isOpen(r.status)).map((r) => r.threat);
  const rows = aiRmfSummary(view.input.analysis.facts.controlsAnywhere, open);
  return [
    '<section id="nist-ai-rmf">',
    '<h2>NIST AI RMF</h2>',
    `<p>Subcategories of the <a href="${htmlText(NIST_AI_RMF_URL)}">${htmlText(NIST_AI_RMF_SOURCE)}</a> that this model speaks to: the controls it declares that give evidence for each, and the open threats that fall under it (security threats under MEASURE 2.7, privacy threats under MEASURE 2.10, legal-duty privacy threats also under GOVERN 1.1, every threat also under the subcategories of the controls that would mitigate it). Summaries are paraphrases; the framework's text is authoritative.</p>`,
    '<table><thead><tr><th>Function</th><th>Subcategory</th><th>Summary</th><th>Evidenced by controls</th><th class="num">Open threats</th></tr></thead><tbody>',
    ...rows.map(
      (r) =>
        `<tr><td>${htmlText(r.subcategory.fn)}</td><td>${htmlText(r.subcategory.id)}</td><td>${htmlText(r.subcategory.summary)}</td><td>${r.evidence.length > 0 ? r.evidence.map((c) => `<code>${htmlText(c)}</code>`).join(', ') : '—'}</td><td class="num">${r.openThreats}</td></tr>`,
    ),
    '</tbody></table>',
    '</section>',
  ];
}

function threatRow(view: ReportView, row: ThreatRow): string {
  const t = row.threat;
  const atlas = t.atlas.map((id) => link(atlasRef(id, view.input.analysis.atlas))).join('<br>');
  const owasp = t.owasp.map((id) => link(owaspRef(id))).join('<br>');
  const change = row.change
    ? ` <span class="change">${row.change.kind === 'added' ? 'new' : htmlText(`changed: ${row.change.what.join('; ')}`)}</span>`
    : '';
  const element = `${htmlText(t.elementType)} <b>${htmlText(t.element)}</b><br><small>${htmlText(`${view.input.file}:${row.start.line}:${row.start.column}`)}</small>`;
  const guidance = `<b>Detect:</b> ${t.detection ? htmlText(t.detection) : '<span class="muted">no guidance in the rule</span>'}<br><b>Contain:</b> ${t.containment ? htmlText(t.containment) : '<span class="muted">no guidance in the rule</span>'}`;
  return [
    `<tr class="threat" data-severity="${htmlText(t.severity)}" data-category="${t.category === 'privacy' ? 'privacy' : 'security'}" data-stride="${htmlText(t.stride.join(' '))}" data-linddun="${htmlText(t.linddun.join(' '))}" data-status="${htmlText(row.status)}">`,
    `<td><span class="sev sev-${htmlText(t.severity)}">${htmlText(capitalise(t.severity))}</span></td>`,
    // The score's factors as its tooltip: every number shows its inputs.
    row.risk
      ? `<td class="num" title="${htmlText(riskExplained(row.risk))}">${row.risk.score}</td>`
      : '<td class="num">—</td>',
    `<td>${element}</td>`,
    `<td>${htmlText(t.title)}${change}<br><small>${htmlText(t.id)}</small>${(t.merged ?? []).map((m) => `<br><small>also covers ${htmlText(m.title)} (${htmlText(m.id)})</small>`).join('')}<br><small>${htmlText(t.why)}</small></td>`,
    `<td>${[t.stride.join(' '), t.linddun.length > 0 ? `LINDDUN ${t.linddun.join(' ')}` : ''].filter(Boolean).map(htmlText).join('<br>') || '—'}</td>`,
    `<td>${atlas || '—'}</td>`,
    `<td>${owasp || '—'}</td>`,
    `<td class="st-${htmlText(row.status)}">${htmlText(statusLabel(row.status))}</td>`,
    `<td>${row.owner ? htmlText(row.owner) : '—'}</td>`,
    `<td>${row.entry?.justification ? htmlText(row.entry.justification) : '—'}</td>`,
    `<td>${t.missingControls.length > 0 ? t.missingControls.map((c) => `<code>${htmlText(c)}</code>`).join(', ') : '—'}</td>`,
    `<td>${guidance}</td>`,
    '</tr>',
  ].join('');
}

function checkbox(kind: string, value: string, label: string): string {
  return `<label><input type="checkbox" data-filter="${kind}" value="${htmlText(value)}" checked> ${htmlText(label)}</label>`;
}

/** The executive summary section, the same words as the Markdown report's. */
function executiveHtml(input: ReportInput): string[] {
  const text = executiveText(input);
  if (!text) return [];
  const lines = [
    '<section id="executive-summary">',
    '<h2>Executive summary</h2>',
    `<p>${htmlText(text.intro)}</p>`,
  ];
  if (text.risks.length > 0) {
    lines.push(
      `<ol>${text.risks.map((r) => `<li><b>${htmlText(r.title)}</b>${htmlText(r.rest)}${r.why ? `<br><small class="why">${htmlText(r.why)}</small>` : ''}</li>`).join('')}</ol>`,
    );
    lines.push(
      '<p><b>What to fix first.</b></p>',
      `<ol>${text.steps.map((s) => `<li>${htmlText(s)}</li>`).join('')}</ol>`,
    );
    lines.push(`<p><b>Residual risk.</b> ${htmlText(text.residual)}</p>`);
    lines.push(
      '<p><b>Incident-response readiness</b> for the top risks:</p>',
      `<ul>${text.readiness.map((r) => `<li>${htmlText(r)}</li>`).join('')}</ul>`,
    );
  }
  lines.push('</section>');
  return lines;
}

/** The HTML report. Without `input.mermaidScript` the diagram is shown as Mermaid source. */
export function renderHtml(input: ReportInput, view: ReportView = buildReportView(input)): string {
  const library = input.mermaidScript;
  if (library !== undefined && /<\/script/i.test(library))
    throw new Error('The Mermaid library contains `</script` and cannot be inlined.');
  const scriptSources = [
    ...(library !== undefined ? [`'sha256-${libraryHash(library)}'`] : []),
    `'sha256-${APP_SCRIPT_HASH}'`,
  ];
  const csp = `default-src 'none'; script-src ${scriptSources.join(' ')}; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'`;
  const title = `Threat model report: ${view.modelName}`;
  const open = view.rows.filter((r) => isOpen(r.status)).length;
  const facts: [string, string][] = [
    ['Model', input.file],
    ['Model hash', view.modelHash],
    ['MITRE ATLAS data', view.atlasVersion],
    ['Generated', `${input.generatedAt} by mltm ${input.toolVersion}`],
    [
      'Threat register',
      input.register
        ? `${input.registerFile ?? ''} (${input.register.entries.length} entries)`
        : 'none: statuses come from the controls in the model',
    ],
    ...(input.diff
      ? [
          [
            'Compared with',
            `${input.baseLabel ?? 'base'}: ${input.diff.added.length} added, ${input.diff.removed.length} removed, ${input.diff.changed.length} changed`,
          ] as [string, string],
        ]
      : []),
  ];
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${htmlText(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${htmlText(title)}</h1>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${htmlText(k)}</dt><dd>${htmlText(v)}</dd>`).join('')}</dl>`,
    '</header>',
    ...executiveHtml(input),
    '<section id="summary">',
    '<h2>Summary</h2>',
    `<p><b>${view.rows.length} threats, ${open} open.</b></p>`,
    `<table><thead><tr><th>Severity</th><th class="num">Total</th>${view.statuses.map((s) => `<th class="num">${htmlText(capitalise(s))}</th>`).join('')}</tr></thead><tbody>`,
    ...view.bySeverity.map(
      (s) =>
        `<tr><td><span class="sev sev-${s.severity}">${capitalise(s.severity)}</span></td><td class="num">${s.total}</td>${view.statuses.map((st) => `<td class="num">${s.byStatus[st] ?? 0}</td>`).join('')}</tr>`,
    ),
    '</tbody></table>',
  ];
  const problems = input.registerProblems ?? [];
  if (problems.length > 0)
    out.push(
      '<h3>Register problems</h3><ul>',
      ...problems.map(
        (p) =>
          `<li><code>${htmlText(`${p.file}:${p.line}:${p.column}`)}</code> ${htmlText(p.severity)} ${htmlText(p.code)}: ${htmlText(p.message)}</li>`,
      ),
      '</ul>',
    );
  out.push('</section>');
  out.push(
    '<section id="diagram">',
    '<h2>Diagram</h2>',
    '<div id="diagram-box" hidden></div>',
    `<pre class="source" id="diagram-source">${htmlText(modelToMermaid(input.analysis, { ...(input.register && { register: input.register }) }))}</pre>`,
    `<p class="muted" id="diagram-note">${library !== undefined ? 'Drawing the diagram…' : 'Mermaid source of the diagram (this report was written without the Mermaid library).'}</p>`,
    '</section>',
  );
  if (input.diff) {
    const d = input.diff;
    const item = (c: { id: string; title: string; changes: readonly string[] }, kind: string) =>
      `<li><b>${kind}</b> ${htmlText(c.title)} <small>${htmlText(c.id)}</small>${kind === 'changed' ? ` <span class="muted">${htmlText(c.changes.join('; '))}</span>` : ''}</li>`;
    out.push(
      '<section id="changes">',
      `<h2>Changes since ${htmlText(input.baseLabel ?? 'base')}</h2>`,
      '<ul>',
      ...d.added.map((c) => item(c, 'added')),
      ...d.removed.map((c) => item(c, 'removed')),
      ...d.changed.map((c) => item(c, 'changed')),
      '</ul>',
      '</section>',
    );
  }
  out.push(...governance(view));
  out.push(
    '<section id="threats">',
    '<h2>Threats</h2>',
    '<div id="filters" class="no-print">',
    `<fieldset><legend>Severity</legend>${[...SEVERITY_ORDER]
      .reverse()
      .map((s) => checkbox('severity', s, capitalise(s)))
      .join('')}</fieldset>`,
    `<fieldset><legend>Category</legend>${checkbox('category', 'security', 'Security (STRIDE, ML)')}${checkbox('category', 'privacy', 'Privacy (LINDDUN)')}</fieldset>`,
    `<fieldset><legend>STRIDE</legend>${STRIDE.map((s) => checkbox('stride', s.letter, `${s.letter} ${s.name}`)).join('')}</fieldset>`,
    `<fieldset><legend>LINDDUN</legend>${LINDDUN.map((c) => checkbox('linddun', c.code, `${c.code} ${c.name}`)).join('')}</fieldset>`,
    `<fieldset><legend>Status</legend>${view.statuses.map((s) => checkbox('status', s, capitalise(s))).join('')}</fieldset>`,
    '<p id="shown-count" aria-live="polite"></p>',
    '</div>',
    '<table id="threat-table"><thead><tr><th>Severity</th><th class="num">Risk</th><th>Element</th><th>Threat</th><th>STRIDE / LINDDUN</th><th>MITRE ATLAS</th><th>OWASP</th><th>Status</th><th>Owner</th><th>Justification</th><th>Missing controls</th><th>Detect and contain</th></tr></thead><tbody>',
  );
  for (const group of [...view.components, ...view.flows])
    for (const row of group.rows) out.push(threatRow(view, row));
  out.push('</tbody></table>', '</section>');
  out.push(
    `<footer><p class="muted">Generated by mltm ${htmlText(input.toolVersion)}. MITRE ATLAS data ${htmlText(view.atlasVersion)} (Apache-2.0, © MITRE).</p></footer>`,
  );
  if (library !== undefined) out.push(`<script>${library}</script>`);
  out.push(`<script>${APP_SCRIPT}</script>`, '</body>', '</html>', '');
  return out.join('\n');
}
