import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { renderMermaidPath } from '../../../src/core/report/index';
import { mermaidText, modelToMermaid } from '../../../src/core/report/mermaid';
import { mltm } from '../cli/run';
import { inPage, launchChromium } from '../../support/chromium';
import { assertGolden } from '../../support/golden';
import { MermaidParser } from '../../support/mermaidParse';
import { exampleFiles, goldenName, HOSTILE, reportInput } from './helpers';
import { analyzeLoaded } from '../../support/analysis';

describe('report: Mermaid export', function () {
  this.timeout(120_000);
  let browser: Browser;
  let parser: MermaidParser;
  before(async () => {
    browser = await launchChromium();
    parser = await MermaidParser.open(browser);
  });
  after(async () => {
    await browser?.close();
  });

  it('the real Mermaid parser rejects a broken diagram (the harness can fail)', async () => {
    assert.match((await parser.parse('flowchart LR\n  a["x" --> b')) ?? '', /Parse error/);
  });

  for (const file of [...exampleFiles(), HOSTILE]) {
    it(`parses with the real Mermaid parser: ${file}`, async () => {
      const input = reportInput(file);
      const text = modelToMermaid(input.analysis, {
        ...(input.register && { register: input.register }),
      });
      assert.equal(await parser.parse(text), undefined);
    });
  }

  for (const file of [
    'examples/02-model-extraction.mltm.yaml',
    'examples/04-backdoored-model.mltm.yaml',
    'examples/11-rag-llm-app.mltm.yaml',
    HOSTILE,
  ]) {
    it(`matches its golden file: ${file}`, () => {
      const input = reportInput(file);
      assertGolden(
        goldenName(file, 'mmd'),
        modelToMermaid(input.analysis, { ...(input.register && { register: input.register }) }),
      );
    });
  }

  it('highlights an attack path: golden, real parser, and the CLI option with its errors', async () => {
    const file = 'examples/02-model-extraction.mltm.yaml';
    const id = 'path-bd8ccb4f3a578227'; // partner-storefront → api-gateway → recs-endpoint
    const made = renderMermaidPath(reportInput(file), id);
    assert.ok('text' in made, 'error' in made ? made.error : '');
    assertGolden('reports/02-model-extraction.path.mmd', made.text);
    assert.equal(await parser.parse(made.text), undefined);
    assert.match(
      made.text,
      /class c\d+_partner_storefront,c\d+_api_gateway,c\d+_recs_endpoint onPath/,
    );
    const cli = await mltm(['report', file, '--format', 'mermaid', '--path', id]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout, made.text);
    const unknown = await mltm(['report', file, '--format', 'mermaid', '--path', 'path-0']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no attack path `path-0` in this model; its riskiest: path-/);
    assert.equal(unknown.stdout, '');
    const wrongFormat = await mltm(['report', file, '--format', 'md', '--path', id]);
    assert.equal(wrongFormat.code, 2);
    assert.match(wrongFormat.stderr, /use it with --format mermaid/);
  });

  it('renders hostile names as text: no script, no handler, the names verbatim', async () => {
    const input = reportInput(HOSTILE);
    const svg = await parser.render(
      modelToMermaid(input.analysis, { ...(input.register && { register: input.register }) }),
    );
    const names = input.analysis.model?.components.map((c) => c.name.replace(/\n/g, ' ')) ?? [];
    // Page code is a string: it runs in Chromium, and the project's types have no DOM.
    const shown = await inPage<{ text: string; scripts: number; handlers: number; images: number }>(
      browser.contexts()[0]!.pages()[0]!,
      `(() => {
        const box = document.createElement('div');
        box.innerHTML = ${JSON.stringify(svg)};
        return { text: box.textContent || '', scripts: box.querySelectorAll('script').length, handlers: [...box.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length, images: box.querySelectorAll('img').length };
      })()`,
    );
    assert.equal(shown.scripts, 0);
    assert.equal(shown.handlers, 0);
    assert.equal(shown.images, 0);
    for (const name of names)
      assert.ok(shown.text.includes(name), `the diagram shows ${JSON.stringify(name)}`);
  });

  it('gives safe, unique, deterministic node ids (reserved words and colliding ids)', () => {
    const text = modelToMermaid(analyzeLoaded(reportInput(HOSTILE).text));
    const nodeIds = [...text.matchAll(/^\s+(c\d+_[A-Za-z0-9_]+)[[({/\\]/gm)].map((m) => m[1]);
    assert.equal(nodeIds.length, 6);
    assert.equal(new Set(nodeIds).size, 6);
    for (const id of nodeIds) assert.match(id ?? '', /^c\d+_[A-Za-z0-9_]+$/);
    assert.equal(
      text,
      modelToMermaid(analyzeLoaded(reportInput(HOSTILE).text)),
      'the same model gives the same text',
    );
    assert.doesNotMatch(
      text,
      /^[ \t]*(end|graph|click|style)\b[ \t]*\S/m,
      'no statement starts with a model id that is a reserved word',
    );
    for (const line of text.split('\n').filter((l) => /^\s*subgraph\b/.test(l)))
      assert.match(line, /^\s*subgraph b\d+_[A-Za-z0-9_]+\["/);
  });

  it('escapes every unsafe character of a label as an entity', () => {
    assert.equal(mermaidText('a "b" #c <d> `e` end'), 'a #34;b#34; #35;c #60;d#62; #96;e#96; end');
    assert.equal(mermaidText('x\ny'), 'x y');
    assert.equal(mermaidText('%%{init}%%'), '#37;#37;#123;init#125;#37;#37;');
    assert.equal(mermaidText('😀'), '#128512;');
    assert.equal(mermaidText('Ünïcødé 名前'), 'Ünïcødé 名前');
  });

  it('styles flows and components with open high or critical threats, not those the register decided', () => {
    const input = reportInput(HOSTILE);
    const withRegister = modelToMermaid(input.analysis, {
      ...(input.register && { register: input.register }),
    });
    const without = modelToMermaid(input.analysis);
    // `subgraph` has two high threats: open without a register, accepted / not applicable with it.
    assert.match(without, /class [^\n]*c6_subgraph[^\n]* atRisk/);
    assert.doesNotMatch(withRegister, /class [^\n]*c6_subgraph[^\n]* atRisk/);
    const risky = modelToMermaid(
      analyzeLoaded(reportInput('examples/02-model-extraction.mltm.yaml').text),
    );
    assert.match(risky, /^ {2}linkStyle [\d,]+ stroke:#c62828,stroke-width:3px$/m);
  });
});
