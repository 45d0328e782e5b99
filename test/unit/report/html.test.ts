import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderHtml } from '../../../src/core/report/html';
import { inPage, launchChromium } from '../../support/chromium';
import { HOSTILE, reportInput, ROOT } from './helpers';

const MERMAID = readFileSync(join(ROOT, 'node_modules/mermaid/dist/mermaid.min.js'), 'utf8');

interface PageLog {
  dialogs: string[];
  console: string[];
  errors: string[];
  requests: string[];
}

/** Opens a report from a file (as a user would, offline) and records every side effect. */
async function open(
  browser: Browser,
  html: string,
  folder: string,
): Promise<{ page: Page; log: PageLog }> {
  const file = join(folder, `report-${Date.now()}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage();
  const log: PageLog = { dialogs: [], console: [], errors: [], requests: [] };
  page.on('dialog', (d) => {
    log.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.console.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) log.requests.push(r.url());
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(
    `!(document.getElementById('diagram-note').textContent || '').startsWith('Drawing')`,
  );
  return { page, log };
}

describe('report: HTML in real Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let folder: string;
  before(async () => {
    browser = await launchChromium();
    folder = mkdtempSync(join(tmpdir(), 'mltm-html-'));
  });
  after(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('renders hostile model and register strings as inert text, verbatim', async () => {
    const input = reportInput(HOSTILE, { mermaidScript: MERMAID });
    const { page, log } = await open(browser, renderHtml(input), folder);
    assert.deepEqual(log.dialogs, [], 'no dialog opened');
    assert.deepEqual(log.errors, [], 'no script error');
    assert.deepEqual(
      log.console,
      [],
      'no console error or warning (a CSP violation would show here)',
    );
    assert.deepEqual(log.requests, [], 'no network request');
    const dom = await inPage<{
      scripts: number;
      handlers: number;
      images: number;
      h1: string;
      body: string;
      svg: string;
      diagramShown: boolean;
      csp: string;
    }>(
      page,
      `({
        scripts: document.querySelectorAll('script').length,
        handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).length,
        images: document.querySelectorAll('img').length,
        h1: document.querySelector('h1').textContent,
        body: document.body.textContent,
        svg: document.querySelector('#diagram-box svg') ? document.querySelector('#diagram-box svg').textContent : '',
        diagramShown: !document.getElementById('diagram-box').hidden,
        csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
      })`,
    );
    assert.equal(dom.scripts, 2, 'only the library and the report script');
    assert.equal(dom.handlers, 0, 'no element has an event-handler attribute');
    assert.equal(dom.images, 0, 'no <img> came from a name');
    assert.ok(dom.diagramShown, 'the diagram was drawn');
    assert.match(
      dom.csp,
      /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+' 'sha256-[A-Za-z0-9+/=]+';/,
    );
    const model = input.analysis.model!;
    assert.equal(dom.h1, `Threat model report: ${model.name}`);
    assert.ok(
      model.name.includes('\n') && model.name.includes('<script>') && model.name.includes('🔥'),
    );
    for (const c of model.components)
      assert.ok(
        dom.svg.includes(c.name.replace(/\n/g, ' ')),
        `diagram shows ${JSON.stringify(c.name)}`,
      );
    const owner = input.register!.byId.get('process-exploit-public-facing@subgraph')!;
    assert.ok(dom.body.includes(owner.owner!), 'owner verbatim');
    assert.ok(
      dom.body.includes(owner.justification!),
      'justification verbatim, newline and emoji included',
    );
    await page.close();
  });

  it('filters by severity, STRIDE and status when boxes are clicked', async () => {
    const { page, log } = await open(
      browser,
      renderHtml(reportInput(HOSTILE, { mermaidScript: MERMAID })),
      folder,
    );
    const visible = () =>
      inPage<string[]>(
        page,
        `[...document.querySelectorAll('tr.threat')].filter((r) => !r.hidden).map((r) => r.getAttribute('data-severity') + '|' + r.getAttribute('data-stride') + '|' + r.getAttribute('data-status'))`,
      );
    const all = await visible();
    assert.equal(all.length, 23);
    assert.equal(await page.textContent('#shown-count'), '23 of 23 threats shown');
    await page.click('input[data-filter="severity"][value="low"]');
    const noLow = await visible();
    assert.equal(noLow.length, all.filter((r) => !r.startsWith('low|')).length);
    assert.ok(noLow.every((r) => !r.startsWith('low|')));
    await page.click('input[data-filter="status"][value="open"]');
    const decided = await visible();
    assert.ok(
      decided.length > 0 && decided.every((r) => !r.endsWith('|open') && !r.startsWith('low|')),
    );
    await page.click('input[data-filter="status"][value="open"]');
    await page.click('input[data-filter="severity"][value="low"]');
    for (const letter of ['S', 'T', 'R', 'I', 'D'])
      await page.click(`input[data-filter="stride"][value="${letter}"]`);
    const onlyE = await visible();
    assert.ok(onlyE.length > 0 && onlyE.every((r) => r.split('|')[1]!.split(' ').includes('E')));
    assert.equal(await page.textContent('#shown-count'), `${onlyE.length} of 23 threats shown`);
    await page.emulateMedia({ media: 'print' });
    assert.equal(
      await inPage<string>(page, `getComputedStyle(document.getElementById('filters')).display`),
      'none',
      'filters are not printed',
    );
    assert.deepEqual([...log.dialogs, ...log.errors, ...log.console], []);
    await page.close();
  });

  it('filters privacy (LINDDUN) threats by category and LINDDUN code, and shows the NIST AI RMF table', async () => {
    const { page, log } = await open(
      browser,
      renderHtml(reportInput('examples/11-rag-llm-app.mltm.yaml', { mermaidScript: MERMAID })),
      folder,
    );
    const visible = () =>
      inPage<string[]>(
        page,
        `[...document.querySelectorAll('tr.threat')].filter((r) => !r.hidden).map((r) => r.getAttribute('data-category') + '|' + r.getAttribute('data-linddun'))`,
      );
    const all = await visible();
    const privacy = all.filter((r) => r.startsWith('privacy|'));
    assert.ok(privacy.length > 0 && privacy.every((r) => r.split('|')[1] !== ''));
    await page.click('input[data-filter="category"][value="security"]');
    assert.deepEqual(await visible(), privacy, 'only privacy threats are left');
    for (const code of ['L', 'I', 'Nr', 'D', 'U', 'Nc'])
      await page.click(`input[data-filter="linddun"][value="${code}"]`);
    const onlyDD = await visible();
    assert.ok(onlyDD.length > 0 && onlyDD.every((r) => r.split('|')[1]!.split(' ').includes('DD')));
    await page.click('input[data-filter="category"][value="privacy"]');
    assert.deepEqual(await visible(), []);
    const nist = await inPage<string[]>(
      page,
      `[...document.querySelectorAll('#nist-ai-rmf tbody tr')].map((r) => r.children[1].textContent)`,
    );
    assert.ok(nist.includes('MEASURE 2.10') && nist.includes('GOVERN 1.1'), nist.join(', '));
    assert.deepEqual([...log.dialogs, ...log.errors, ...log.console], []);
    await page.close();
  });

  it("is complete without the library: the diagram as Mermaid source, no script but the report's own", async () => {
    const html = renderHtml(reportInput('examples/02-model-extraction.mltm.yaml'));
    assert.doesNotMatch(
      html,
      // Links only to the catalogues and to the NIST AI RMF publication (NIST AI 100-1).
      /<script src=|<link |https?:\/\/(?!atlas\.mitre\.org|owasp\.org|genai\.owasp\.org|doi\.org\/10\.6028\/NIST\.AI\.100-1")[^"'\s<]*"/,
    );
    const { page, log } = await open(browser, html, folder);
    assert.match((await page.textContent('#diagram-source')) ?? '', /^flowchart LR/);
    assert.deepEqual([...log.dialogs, ...log.errors, ...log.console, ...log.requests], []);
    await page.close();
  });
});
