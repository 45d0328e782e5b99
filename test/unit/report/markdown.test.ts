import assert from 'node:assert/strict';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { mdText } from '../../../src/core/report/text';
import { assertGolden } from '../../support/golden';
import { goldenName, HOSTILE, reportInput } from './helpers';
import { analyzeLoaded } from '../../support/analysis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/sharedKb';

/** Cells of a GFM table row: split on pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/);
}

describe('report: Markdown', () => {
  for (const file of [
    'examples/01-fintech-posture.mltm.yaml',
    'examples/02-model-extraction.mltm.yaml',
    'examples/04-backdoored-model.mltm.yaml',
    'examples/11-rag-llm-app.mltm.yaml',
    HOSTILE,
  ]) {
    it(`matches its golden file: ${file}`, () => {
      assertGolden(goldenName(file, 'md'), renderMarkdown(reportInput(file)));
    });
  }

  it('shows LINDDUN codes on the privacy threats of models with personal data (01 fintech, 11 RAG app), and the NIST AI RMF table', () => {
    for (const file of [
      'examples/01-fintech-posture.mltm.yaml',
      'examples/11-rag-llm-app.mltm.yaml',
    ]) {
      const md = renderMarkdown(reportInput(file));
      const privacyRows = md
        .split('\n')
        .filter((line) => line.startsWith('| ') && line.includes('LINDDUN: '));
      assert.ok(privacyRows.length >= 3, `${file}: ${privacyRows.length} LINDDUN rows`);
      assert.match(md, /## NIST AI RMF/);
      const measure210 = md
        .split('\n')
        .find((line) => line.startsWith('| MEASURE | MEASURE 2.10 |'));
      assert.ok(measure210, `${file}: MEASURE 2.10 row`);
      assert.notEqual(cells(measure210).at(-1)?.trim(), '0', `${file}: open privacy threats`);
    }
  });

  it('a model without personal data shows no LINDDUN threat and no open legal-duty privacy threat', () => {
    const text = readFileSync(join(REPO_ROOT, 'examples/02-model-extraction.mltm.yaml'), 'utf8');
    const withoutPii = text.replace(/^\s*pii: true\s*$/gm, '');
    assert.ok(withoutPii !== text);
    const analysis = analyzeLoaded(withoutPii);
    const md = renderMarkdown({
      ...reportInput('examples/02-model-extraction.mltm.yaml'),
      analysis,
      text: withoutPii,
    });
    assert.doesNotMatch(md, /LINDDUN: /);
    // GOVERN 1.1 holds only privacy threats' legal duties (MEASURE 2.10 also holds security
    // threats that privacy controls mitigate, such as membership inference).
    const govern11 = md.split('\n').find((line) => line.startsWith('| GOVERN | GOVERN 1.1 |'));
    assert.equal(
      cells(govern11 ?? '')
        .at(-1)
        ?.trim(),
      '0',
    );
  });

  it('keeps every table row to its columns, whatever the model says', () => {
    const md = renderMarkdown(reportInput(HOSTILE));
    const lines = md.split('\n');
    let columns = 0;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        columns = 0;
        continue;
      }
      const n = cells(line).length;
      if (columns === 0) columns = n;
      else assert.equal(n, columns, `row has ${n} cells, header ${columns}: ${line}`);
    }
  });

  it('lets no raw HTML through: every < of the model is an entity', () => {
    const md = renderMarkdown(reportInput(HOSTILE));
    const outsideFence = md.replace(/```mermaid[\s\S]*?```/g, '');
    assert.doesNotMatch(outsideFence, /<(script|img|svg|b)\b/i);
    assert.ok(outsideFence.includes('&lt;script&gt;alert'));
  });

  it('shows the register: effective status, owner, justification, register problems', () => {
    const md = renderMarkdown(reportInput(HOSTILE));
    const row = md.split('\n').find((l) => l.includes('process-exploit-public-facing@subgraph'));
    assert.ok(row);
    assert.match(
      row,
      /\| accepted \| &lt;script&gt;alert\('owner'\)&lt;\/script&gt; \| WAF \\\| sandbox &lt;img src=x onerror=alert\(3\)&gt; \\`code\\` end line two 😀 \|/,
    );
    assert.match(md, /MLTM302/);
    assert.match(md, /\| High \| 5 \| 3 \| 0 \| 1 \| 0 \| 1 \|/);
  });

  it('links ATLAS ids to atlas.mitre.org with their names, and says how to detect and contain', () => {
    const md = renderMarkdown(reportInput('examples/02-model-extraction.mltm.yaml'));
    assert.match(
      md,
      /\[(AML\.T\d{4}(?:\.\d{3})?)\]\(https:\/\/atlas\.mitre\.org\/techniques\/\1\) [A-Z]/,
    );
    assert.match(md, /\*Detect:\* \S.*\*Contain:\* \S/);
    assert.match(md, /\| Model hash \| sha256:[0-9a-f]{64} \|/);
    assert.match(md, /\| MITRE ATLAS data \| 5\.6\.0 \|/);
    assert.match(md, /2026-01-01T00:00:00Z/);
  });

  it('leaves out a diagram too large for code hosts, and says where to find it', () => {
    const components = Array.from(
      { length: 800 },
      (_, i) =>
        `  component-${i}: { kind: data_store, name: Component number ${i} with a long name }`,
    ).join('\n');
    const flows = Array.from(
      { length: 799 },
      (_, i) => `  - { from: component-${i}, to: component-${i + 1} }`,
    ).join('\n');
    const text = `mltm: 1\nname: big\ncomponents:\n${components}\nflows:\n${flows}\n`;
    const md = renderMarkdown({
      ...reportInput('examples/04-backdoored-model.mltm.yaml'),
      analysis: analyzeLoaded(text),
      text,
    });
    assert.doesNotMatch(md, /```mermaid/);
    assert.match(md, /over the 50000-character limit code hosts render; see the HTML report/);
  });

  it('escapes Markdown and HTML in text', () => {
    assert.equal(
      mdText('a|b\nc <x> & `y` *z* [l](u) _u_ #h'),
      'a\\|b c &lt;x&gt; &amp; \\`y\\` \\*z\\* \\[l\\](u) \\_u\\_ \\#h',
    );
  });

  it('marks what a change added and lists what it removed (--base)', () => {
    const after = reportInput('examples/04-backdoored-model.mltm.yaml');
    const first = after.analysis.threats[0]!;
    const gone = {
      id: 'old-rule@gone',
      title: 'A removed threat',
      element: 'gone',
      before: { severity: 'high', status: 'open', missingControls: [] },
      changes: ['removed'],
    };
    const md = renderMarkdown({
      ...after,
      baseLabel: 'main',
      diff: {
        added: [{ id: first.id, title: first.title, element: first.element, changes: ['added'] }],
        removed: [gone],
        changed: [],
        unchanged: 0,
      },
    });
    assert.match(md, /## Changes since main/);
    assert.match(md, /- removed: A removed threat \(old-rule@gone\), high/);
    assert.ok(md.includes(`*new* ${mdText(first.title)}`));
    assert.match(md, /\| Compared with \| main: 1 added, 1 removed, 0 changed \|/);
  });
});
