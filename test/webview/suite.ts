/**
 * Webview tests in real Chromium (playwright-core driving /usr/bin/chromium). Each example is
 * analysed and laid out in node by the real core, sent to the built webview bundle
 * (dist/webview/main.js) served with the real page and CSP (`diagramHtml`), and the DOM is
 * checked: nodes, edges, boundary groups, badges and their colours, the side panel after a
 * click, the messages action buttons post, filters and focus hiding elements, one screenshot per
 * theme, exports, and a hostile model that must render as text and run nothing.
 *
 * Runs as a plain node program (bundled by scripts/webview/run-tests.mjs); writes
 * `{passed, failed, failures}` to $MLTM_COUNTS_FILE.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { analyze } from '../../src/core/analysis';
import { editorDecision } from '../../src/core/views/problemsPanel';
import {
  buildScene,
  computeLayout,
  diagramGraphFromPipeline,
  type DiagramScene,
} from '../../src/core/layout';
import { diagramHtml } from '../../src/extension/diagram/html';
import { isWebviewToHost, type HostToWebview, type WebviewToHost } from '../../src/shared/protocol';
import { computeBadges, defaultFilters, visibleElements } from '../../webview/filters';
import { THEMES, type TestTheme } from './themes';

const root = process.env.MLTM_ROOT ?? process.cwd();
const distWebview = join(root, 'dist/webview');
const artefacts = join(root, 'test-results/webview');
mkdirSync(artefacts, { recursive: true });

interface Failure {
  title: string;
  message: string;
}
const results = { passed: 0, failed: 0, failures: [] as Failure[] };
const only = process.env.MLTM_WEBVIEW_GREP;

async function test(title: string, body: () => Promise<void>): Promise<void> {
  if (only && !title.includes(only)) return;
  try {
    await body();
    results.passed++;
    console.log(`  ✓ ${title}`);
  } catch (error) {
    results.failed++;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    results.failures.push({ title, message });
    console.log(`  ✗ ${title}\n    ${message.split('\n').slice(0, 6).join('\n    ')}`);
  }
}

// ---- a local origin standing in for VS Code's webview resource origin ----
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
  '.map': 'application/json',
};
let server: Server;
let origin = '';
let pageHtml = '';

async function startServer(): Promise<void> {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') {
      response.writeHead(204).end(); // Chromium asks; a VS Code webview never does.
      return;
    }
    if (path === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml);
      return;
    }
    const file = normalize(join(distWebview, path));
    if (!file.startsWith(distWebview)) {
      response.writeHead(403).end();
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pageHtml = diagramHtml({
    cspSource: origin,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: `${origin}/main.js`,
    styleUri: `${origin}/main.css`,
  });
}

// ---- scenes, computed in node by the real core ----
async function sceneOf(text: string, modelUri: string): Promise<DiagramScene> {
  const analysis = analyze(text);
  assert.equal(analysis.status, 'loaded', `${modelUri} loads`);
  if (analysis.status !== 'loaded') throw new Error(`${modelUri} does not load`);
  const graph = diagramGraphFromPipeline(analysis.graph);
  return buildScene({ modelUri, analysis, graph, layout: await computeLayout(graph) });
}

// ---- the page under test ----
interface Watched {
  page: Page;
  errors: string[];
  dialogs: string[];
  cspViolations: string[];
}

/** A fake `acquireVsCodeApi` (as VS Code injects it) recording posts and state, plus a CSP violation log. */
const INIT_SCRIPT = `
  window.__posted = [];
  window.__state = undefined;
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => window.__state,
    setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
  });
`;

async function openPage(
  browser: Browser,
  theme: TestTheme = THEMES[1] as TestTheme,
  viewport: { width: number; height: number } = { width: 1400, height: 900 },
): Promise<Watched> {
  const page = await browser.newPage({ viewport });
  const watched: Watched = { page, errors: [], dialogs: [], cspViolations: [] };
  page.on('pageerror', (e) => watched.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') watched.errors.push(m.text());
  });
  page.on('dialog', (d) => {
    watched.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(INIT_SCRIPT);
  await page.addInitScript(
    ({ variables, bodyClass, name }) => {
      // As VS Code does: variables on <html style>, the theme kind class on <body>.
      document.addEventListener('DOMContentLoaded', () => {
        for (const [k, v] of Object.entries(variables))
          document.documentElement.style.setProperty(k, v);
        document.body.classList.add(bodyClass);
        document.body.dataset.vscodeThemeKind = bodyClass;
        document.body.dataset.vscodeThemeName = name;
      });
    },
    { variables: theme.variables, bodyClass: theme.bodyClass, name: theme.name },
  );
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() =>
    (window as unknown as { __posted: { type: string }[] }).__posted.some(
      (m) => m.type === 'ready',
    ),
  );
  return watched;
}

async function send(page: Page, message: HostToWebview | Record<string, unknown>): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

async function posted(page: Page): Promise<WebviewToHost[]> {
  return page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
}

/**
 * What the user's actions posted: every message but `panelSize`, which the webview sends on its
 * own whenever the panel is resized (a resize can land between a click and the check).
 */
async function postedActions(page: Page): Promise<WebviewToHost[]> {
  return (await posted(page)).filter((m) => m.type !== 'panelSize');
}

async function showScene(page: Page, scene: DiagramScene): Promise<void> {
  await send(page, { type: 'scene', scene });
  await page.waitForFunction(
    (n) => document.querySelectorAll('.node').length === n,
    scene.graph.components.length,
  );
}

const visibleCount = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);

// ---- readability at fit: what a user sees in a real panel ----
/** Panel sizes measured (CSS px): an editor beside a side bar, and a narrow split. */
const PANELS = [
  { name: '1000x660', width: 1000, height: 660 },
  { name: '600x800', width: 600, height: 800 },
] as const;
/** The issue's target: labels at fit at least this high (CSS px), models up to 30 components. */
const MIN_LABEL_PX = 11;
const READABLE_MODEL_LIMIT = 30;
/**
 * Examples that miss the target today, with the floor they are held to (a regression fails).
 * Not met: 01 (27 components in 11 boundaries, 41 flows): ELK's layered layout across nested
 * boundaries stays too large for the panel in every arrangement and label wrapping tried
 * (ARRANGEMENTS × LABEL_LINE_CHARS in src/core/layout). An entry that reaches the target fails
 * too, so this list only shrinks.
 */
const BELOW_TARGET: Record<string, Partial<Record<(typeof PANELS)[number]['name'], number>>> = {
  '01-fintech-posture.mltm.yaml': { '1000x660': 8, '600x800': 6.3 },
};

/**
 * Does what the host does: reads the panel size the webview reported with `ready`, lays the model
 * out for that aspect ratio, and sends the scene.
 */
async function showSceneForPanel(
  page: Page,
  text: string,
  modelUri: string,
): Promise<DiagramScene> {
  const ready = (await posted(page)).find((m) => m.type === 'ready') as Extract<
    WebviewToHost,
    { type: 'ready' }
  >;
  assert.ok(ready.panel, 'ready carries the panel size');
  const analysis = analyze(text);
  if (analysis.status !== 'loaded') throw new Error(`${modelUri} does not load`);
  const graph = diagramGraphFromPipeline(analysis.graph);
  const layout = await computeLayout(graph, {
    aspectRatio: ready.panel.width / ready.panel.height,
  });
  const scene = buildScene({ modelUri, analysis, graph, layout });
  await showScene(page, scene);
  return scene;
}

/**
 * Rendered height of every component and boundary label at the current view: its computed font
 * size times the on-screen scale (getBoundingClientRect over the text's own bounding box).
 */
async function labelPixels(page: Page): Promise<{ id: string; px: number }[]> {
  return page.$$eval('.node-label, .boundary-label', (els) =>
    els.map((e) => {
      const text = e as SVGTextElement;
      const rect = text.getBoundingClientRect();
      const box = text.getBBox();
      const font = parseFloat(getComputedStyle(text).fontSize);
      return {
        id: text.closest('[data-id]')?.getAttribute('data-id') ?? '?',
        px: box.height > 0 ? (font * rect.height) / box.height : 0,
      };
    }),
  );
}

async function main(): Promise<void> {
  await startServer();
  // A browser that fails to start (no Chromium on this machine) must end the suite with a
  // failure, not leave a listening server behind that keeps the process alive.
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    server.close();
    throw error;
  }
  try {
    const examplesDir = join(root, 'examples');
    const files = readdirSync(examplesDir)
      .filter((f) => f.endsWith('.mltm.yaml'))
      .sort();
    const scenes = new Map<string, DiagramScene>();
    for (const file of files)
      scenes.set(
        file,
        await sceneOf(readFileSync(join(examplesDir, file), 'utf8'), `file:///examples/${file}`),
      );

    await test('the webview says ready first, before any state', async () => {
      const { page, errors, cspViolations } = await openPage(browser);
      const messages = await posted(page);
      assert.equal(messages[0]?.type, 'ready');
      assert.ok(isWebviewToHost(messages[0]), 'the host accepts it');
      const panel = (messages[0] as Extract<WebviewToHost, { type: 'ready' }>).panel;
      assert.ok(panel && panel.width > 1000 && panel.height > 700, 'ready carries the panel size');
      assert.equal(await page.locator('.node').count(), 0);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
        [],
      );
      assert.deepEqual(cspViolations, []);
      await page.close();
    });

    for (const [file, scene] of scenes) {
      await test(`${file}: renders nodes, edges, boundary groups and threat badges`, async () => {
        const { page, errors } = await openPage(browser);
        await showScene(page, scene);
        assert.equal(await page.locator('.node').count(), scene.graph.components.length, 'nodes');
        assert.equal(await page.locator('.edge').count(), scene.graph.flows.length, 'edges');
        assert.equal(
          await page.locator('.boundary').count(),
          scene.graph.boundaries.length,
          'boundaries',
        );
        for (const b of scene.graph.boundaries) {
          const group = page.locator(`.boundary[data-id="${b.id}"]`);
          assert.equal(await group.getAttribute('data-trust'), b.trust);
          // Elided to its box, never garbled: what is drawn starts the title; the tooltip is whole.
          const drawn = (await group.locator('.boundary-label').textContent()) ?? '';
          const whole = (await group.locator(':scope > title').textContent()) ?? '';
          assert.ok(whole.startsWith(b.label), `boundary tooltip ${b.id}`);
          assert.ok(
            drawn.length > 1 && whole.startsWith(drawn.replace(/…$/, '')),
            `boundary label ${b.id}: ${drawn}`,
          );
        }
        for (const c of scene.graph.components) {
          const node = page.locator(`.node[data-id="${c.id}"]`);
          assert.equal(await node.getAttribute('data-component-kind'), c.kind);
        }
        // Badges: count and colour by highest open severity, as computed in node.
        const expected = computeBadges(scene.threats, defaultFilters());
        const drawn = await page.$$eval('.badge', (els) =>
          els.map((e) => ({
            id:
              e.closest('[data-id]')?.getAttribute('data-id') ??
              e.closest('[data-for]')?.getAttribute('data-for'),
            count: Number(e.getAttribute('data-count')),
            severity: e.getAttribute('data-severity'),
            fill: getComputedStyle(e.querySelector('.badge-bg') as Element).fill,
          })),
        );
        assert.equal(drawn.length, expected.size, 'one badge per element with open threats');
        const dark = THEMES[1] as TestTheme;
        const colour: Record<string, string> = {
          critical: '--vscode-charts-red',
          high: '--vscode-charts-orange',
          medium: '--vscode-charts-yellow',
          low: '--vscode-charts-blue',
          info: '--vscode-charts-purple',
        };
        const rgb = (hex: string) =>
          `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
        for (const badge of drawn) {
          const want = expected.get(badge.id ?? '');
          assert.ok(want, `unexpected badge on ${badge.id}`);
          assert.equal(badge.count, want.count, `${badge.id} count`);
          assert.equal(badge.severity, want.severity, `${badge.id} severity`);
          assert.equal(
            badge.fill,
            rgb(dark.variables[colour[want.severity] as string] as string),
            `${badge.id} colour`,
          );
        }
        assert.equal(
          drawn.length > 0,
          scene.threats.some((t) => t.status === 'open'),
          'a model with open threats shows badges, one without shows none',
        );
        assert.deepEqual(errors, []);
        await page.close();
      });
    }

    const readability: Record<string, Record<string, number>> = {};
    for (const panel of PANELS)
      for (const file of files) {
        await test(`${file} at fit in a ${panel.name} panel: labels readable, minimap over no node, flow labels on demand`, async () => {
          const { page, errors } = await openPage(browser, THEMES[1] as TestTheme, panel);
          const text = readFileSync(join(examplesDir, file), 'utf8');
          const scene = await showSceneForPanel(page, text, `file:///examples/${file}`);
          await page.locator('vscode-button[data-action="fit"]').click();
          const toolbar = await page.locator('.toolbar').boundingBox();
          assert.ok(
            toolbar && toolbar.height < 48,
            `the toolbar is one row (${toolbar?.height} px)`,
          );
          await page.screenshot({
            path: join(artefacts, `fit-${panel.name}-${file.replace(/\.mltm\.yaml$/, '')}.png`),
          });
          const labels = await labelPixels(page);
          assert.ok(labels.length >= scene.graph.components.length, 'every label measured');
          const smallest = Math.min(...labels.map((l) => l.px));
          (readability[file] ??= {})[panel.name] = Math.round(smallest * 10) / 10;
          const where = labels.find((l) => l.px === smallest)?.id;
          const floor = BELOW_TARGET[file]?.[panel.name];
          if (floor !== undefined) {
            assert.ok(
              smallest >= floor,
              `smallest label ${smallest.toFixed(1)} px (${where}) < its floor ${floor} px`,
            );
            assert.ok(
              smallest < MIN_LABEL_PX,
              `now ${smallest.toFixed(1)} px: remove it from BELOW_TARGET`,
            );
          } else if (scene.graph.components.length <= READABLE_MODEL_LIMIT)
            assert.ok(
              smallest >= MIN_LABEL_PX,
              `smallest label ${smallest.toFixed(1)} px (${where}) < ${MIN_LABEL_PX} px`,
            );
          // Readable, not just large: every label line inside its box, no two boxes overlapping.
          const crowding = await page.evaluate(() => {
            const problems: string[] = [];
            const boxes = [...document.querySelectorAll('.node')].map((node) => ({
              id: node.getAttribute('data-id') ?? '?',
              node,
              r: (node.querySelector('.node-box') as Element).getBoundingClientRect(),
            }));
            for (const { id, node, r } of boxes)
              for (const line of node.querySelectorAll('.node-label')) {
                const t = line.getBoundingClientRect();
                const out = Math.max(
                  r.left - t.left,
                  t.right - r.right,
                  r.top - t.top,
                  t.bottom - r.bottom,
                );
                if (out > 0.5)
                  problems.push(`a label line of ${id} runs ${out.toFixed(1)} px out of its box`);
              }
            for (const a of boxes)
              for (const b of boxes)
                if (
                  a.id < b.id &&
                  a.r.left < b.r.right &&
                  b.r.left < a.r.right &&
                  a.r.top < b.r.bottom &&
                  b.r.top < a.r.bottom
                )
                  problems.push(`${a.id} overlaps ${b.id}`);
            return problems;
          });
          assert.deepEqual(crowding, [], 'labels inside their boxes, boxes apart');
          // The minimap, when shown, covers no node: at fit, and zoomed in.
          for (const step of ['fit', 'zoom-in', 'zoom-in']) {
            if (step !== 'fit') await page.locator(`vscode-button[data-action="${step}"]`).click();
            const overlap = await page.evaluate(() => {
              const map = document.querySelector('.minimap') as Element;
              if (getComputedStyle(map).display === 'none') return [];
              const m = map.getBoundingClientRect();
              return [...document.querySelectorAll('.node-box')]
                .map((n) => ({
                  id: n.closest('[data-id]')?.getAttribute('data-id'),
                  r: n.getBoundingClientRect(),
                }))
                .filter(
                  ({ r }) =>
                    r.left < m.right && r.right > m.left && r.top < m.bottom && r.bottom > m.top,
                )
                .map(({ id }) => id);
            });
            assert.deepEqual(overlap, [], `minimap over nodes after ${step}`);
          }
          // Flow labels: hidden until a flow is pointed at, all shown with View ▸ Flow labels.
          const labelled = scene.layout.edges.find((e) => e.label);
          if (labelled) {
            const label = page.locator(`.edge-label-group[data-for="${labelled.id}"] .edge-label`);
            assert.equal(await label.isVisible(), false, 'flow labels hidden at first');
            await page.locator('vscode-button[data-action="fit"]').click();
            await page
              .locator(`.edge[data-id="${labelled.id}"] .edge-hit`)
              .dispatchEvent('pointerover');
            assert.equal(await label.isVisible(), true, 'hovering a flow shows its label');
            await page.locator('vscode-button[data-action="view"]').click();
            await page.locator('vscode-checkbox[data-value="flow-labels"]').click();
            await page.mouse.move(0, 0);
            assert.equal(
              await visibleCount(page, '.edge-label'),
              scene.layout.edges.filter((e) => e.label).length,
              'the toggle shows every flow label',
            );
          }
          assert.deepEqual(errors, []);
          await page.close();
        });
      }
    writeFileSync(
      join(artefacts, 'label-px-at-fit.json'),
      `${JSON.stringify(readability, null, 2)}\n`,
    );
    console.log('  smallest label at fit (CSS px):');
    for (const [file, byPanel] of Object.entries(readability))
      console.log(
        `    ${file.padEnd(40)} ${PANELS.map((p) => `${p.name} ${byPanel[p.name] ?? '—'}`).join('  ')}`,
      );

    const rag = scenes.get('11-rag-llm-app.mltm.yaml') as DiagramScene;
    const target = [...computeBadges(rag.threats, defaultFilters())]
      .sort((a, b) => b[1].count - a[1].count)
      .map(([id]) => id)
      .find((id) => rag.graph.components.some((c) => c.id === id)) as string;

    await test('clicking a component opens its threats in the side panel and reveals its YAML', async () => {
      const { page, errors } = await openPage(browser);
      await showScene(page, rag);
      await page.locator(`.node[data-id="${target}"] .node-box`).click();
      const panel = page.locator('.side-panel');
      await panel.waitFor({ state: 'visible' });
      const threats = rag.threats.filter(
        (t) => t.element === target && t.elementType === 'component',
      );
      assert.equal(await panel.locator('li.threat').count(), threats.length);
      const first = threats[0];
      assert.ok(first);
      const item = panel.locator(`li.threat[data-threat-id="${first.id}"]`);
      assert.equal(await item.locator('.threat-title').textContent(), first.title);
      assert.deepEqual(await item.locator('.stride-letter').allTextContents(), first.stride);
      assert.equal(await item.getAttribute('data-severity'), first.severity);
      assert.equal(await item.getAttribute('data-status'), first.status);
      const withAtlas = threats.find((t) => t.atlas.length > 0);
      assert.ok(withAtlas, 'some threat has ATLAS techniques');
      const ref = withAtlas.atlas[0] as DiagramScene['threats'][number]['atlas'][number];
      const link = panel.locator(`li.threat[data-threat-id="${withAtlas.id}"] a.atlas-id`).first();
      assert.equal(await link.textContent(), ref.id);
      assert.equal(await link.getAttribute('href'), `https://atlas.mitre.org/techniques/${ref.id}`);
      assert.equal(
        await panel
          .locator(`li.threat[data-threat-id="${withAtlas.id}"] .atlas-name`)
          .first()
          .textContent(),
        ` ${ref.name}`,
      );
      assert.deepEqual((await postedActions(page)).at(-1), {
        type: 'revealElement',
        elementId: target,
      });
      assert.ok(
        (await page.locator(`.node[data-id="${target}"]`).getAttribute('class'))?.includes(
          'selected',
        ),
      );
      assert.deepEqual(errors, []);
      await page.close();
    });

    await test('side-panel actions post typed messages: add control, accept, not applicable, reveal', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      await page.locator(`.node[data-id="${target}"] .node-box`).click();
      const open = rag.threats.find(
        (t) => t.element === target && t.status === 'open' && t.missingControls.length > 0,
      );
      assert.ok(open, 'an open threat with missing controls');
      const item = page.locator(`li.threat[data-threat-id="${open.id}"]`);
      await item
        .locator(`.control[data-control="${open.missingControls[0]}"] vscode-button`)
        .click();
      const add = (await postedActions(page)).at(-1);
      assert.equal(add?.type, 'addControl');
      assert.deepEqual(
        { ...add, requestId: 0 },
        { type: 'addControl', requestId: 0, elementId: target, control: open.missingControls[0] },
      );
      await item.locator('vscode-button[data-action="accept"]').click();
      const accept = (await postedActions(page)).at(-1);
      assert.deepEqual(
        { ...accept, requestId: 0 },
        { type: 'setThreatStatus', requestId: 0, threatId: open.id, status: 'accepted' },
      );
      await item
        .locator('vscode-textfield.justification')
        .locator('input')
        .fill('Only reachable from the corporate VPN');
      await item.locator('vscode-button[data-action="not-applicable"]').click();
      const na = (await postedActions(page)).at(-1) as Extract<
        WebviewToHost,
        { type: 'setThreatStatus' }
      >;
      assert.deepEqual(
        { ...na, requestId: 0 },
        {
          type: 'setThreatStatus',
          requestId: 0,
          threatId: open.id,
          status: 'not_applicable',
          justification: 'Only reachable from the corporate VPN',
        },
      );
      assert.ok(na.requestId > (accept as { requestId: number }).requestId, 'request ids increase');
      await page.locator('.side-panel vscode-button[data-action="reveal"]').click();
      assert.deepEqual((await postedActions(page)).at(-1), {
        type: 'revealElement',
        elementId: target,
      });
      await page.close();
    });

    await test('clicking a flow opens its threats', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      const flow = rag.threats.find((t) => t.elementType === 'flow')?.element as string;
      await page.locator(`.edge[data-id="${flow}"] .edge-hit`).dispatchEvent('click');
      await page.locator('.side-panel').waitFor({ state: 'visible' });
      assert.equal(await page.locator('.side-panel').getAttribute('data-kind'), 'flow');
      assert.equal(
        await page.locator('.side-panel li.threat').count(),
        rag.threats.filter((t) => t.element === flow).length,
      );
      assert.deepEqual((await postedActions(page)).at(-1), {
        type: 'revealElement',
        elementId: flow,
      });
      await page.close();
    });

    await test('filters hide elements: severity, STRIDE, status; reset shows all again', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      assert.equal(
        await page.locator('.filters').isVisible(),
        false,
        'filters folded behind one button',
      );
      await page.locator('vscode-button[data-action="filters"]').click();
      // Keep only "critical": uncheck the other severities.
      for (const severity of ['high', 'medium', 'low', 'info'])
        await page.locator(`.filter-severities vscode-checkbox[data-value="${severity}"]`).click();
      const filters = { ...defaultFilters(), severities: ['critical'] };
      const visible = visibleElements(rag, filters);
      assert.ok(
        visible.components.size < rag.graph.components.length,
        'the filter is narrower than everything',
      );
      assert.equal(await visibleCount(page, '.node'), visible.components.size);
      assert.equal(await visibleCount(page, '.edge'), visible.flows.size);
      const criticalBadges = computeBadges(rag.threats, filters);
      assert.equal(await page.locator('.badge').count(), criticalBadges.size);
      for (const s of await page.$$eval('.badge', (els) =>
        els.map((e) => e.getAttribute('data-severity')),
      ))
        assert.equal(s, 'critical');
      await page.locator('vscode-button[data-action="reset-filters"]').click();
      assert.equal(await visibleCount(page, '.node'), rag.graph.components.length);
      // STRIDE: only Repudiation.
      for (const letter of ['S', 'T', 'I', 'D', 'E'])
        await page.locator(`.filter-stride vscode-checkbox[data-value="${letter}"]`).click();
      const r = visibleElements(rag, { ...defaultFilters(), stride: ['R'] });
      assert.equal(await visibleCount(page, '.node'), r.components.size);
      await page.locator('vscode-button[data-action="reset-filters"]').click();
      // Status: hide open threats.
      await page.locator('.filter-statuses vscode-checkbox[data-value="open"]').click();
      assert.equal(await page.locator('.badge').count(), 0, 'badges count open threats only');
      await page.close();
    });

    await test('category filter shows only privacy threats; LINDDUN codes narrow them', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      const privacy = rag.threats.filter((t) => t.category === 'privacy');
      assert.ok(privacy.length > 0, 'the RAG example handles personal data');
      assert.ok(
        privacy.every((t) => t.linddun.length > 0),
        'privacy threats carry LINDDUN codes',
      );
      await page.locator('vscode-button[data-action="filters"]').click();
      await page.locator('.filter-categories vscode-checkbox[data-value="security"]').click();
      const filters = { ...defaultFilters(), categories: ['privacy'] };
      const visible = visibleElements(rag, filters);
      assert.ok(visible.components.size > 0, 'privacy threats are on some components');
      assert.ok(
        visible.components.size < rag.graph.components.length ||
          visible.flows.size < rag.graph.flows.length,
        'privacy alone is narrower than everything',
      );
      assert.equal(await visibleCount(page, '.node'), visible.components.size);
      assert.equal(await visibleCount(page, '.edge'), visible.flows.size);
      const badges = computeBadges(rag.threats, filters);
      assert.equal(await page.locator('.badge').count(), badges.size);
      const openPrivacy = privacy.filter((t) => t.status === 'open').length;
      assert.equal(
        [...badges.values()].reduce((n, b) => n + b.count, 0),
        openPrivacy,
        'badges count the open privacy threats only',
      );
      assert.equal(
        await page.locator('vscode-button[data-action="filters"]').textContent(),
        'Filters (1)',
      );
      // LINDDUN: only Data disclosure (DD) among the privacy threats.
      for (const code of ['L', 'I', 'Nr', 'D', 'U', 'Nc'])
        await page.locator(`.filter-linddun vscode-checkbox[data-value="${code}"]`).click();
      const dd = visibleElements(rag, { ...filters, linddun: ['DD'] });
      assert.equal(await visibleCount(page, '.node'), dd.components.size);
      assert.equal(await visibleCount(page, '.edge'), dd.flows.size);
      await page.locator('vscode-button[data-action="reset-filters"]').click();
      assert.equal(await visibleCount(page, '.node'), rag.graph.components.length);
      await page.close();
    });

    await test('ATLAS tactic filter and search', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      const tactic = rag.threats.flatMap((t) => t.atlas.flatMap((a) => a.tactics))[0];
      assert.ok(tactic);
      await page.evaluate((id) => {
        const select = document.querySelector(
          '.filter-tactic vscode-single-select',
        ) as HTMLElement & { value: string };
        select.value = id;
        select.dispatchEvent(new Event('change'));
      }, tactic.id);
      const visible = visibleElements(rag, { ...defaultFilters(), tactic: tactic.id });
      assert.equal(await visibleCount(page, '.node'), visible.components.size);
      assert.equal(
        await page.locator('vscode-button[data-action="filters"]').textContent(),
        'Filters (1)',
        'the folded filters say how many are narrowed',
      );
      await page.locator('vscode-button[data-action="filters"]').click();
      await page.locator('vscode-button[data-action="reset-filters"]').click();
      await page.keyboard.press('Escape');
      const c = rag.graph.components[0] as DiagramScene['graph']['components'][number];
      await page.locator('.toolbar vscode-textfield.search input').fill(c.label);
      assert.ok(
        await page
          .locator(`.node[data-id="${c.id}"]`)
          .evaluate((e) => e.classList.contains('search-hit')),
      );
      assert.ok((await page.locator('.node.search-miss').count()) > 0);
      await page.close();
    });

    await test('focus mode shows one component and its neighbours; highlight follows the editor cursor', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      await send(page, { type: 'focus', elementId: target });
      const near = visibleElements(rag, { ...defaultFilters(), focus: target });
      assert.equal(await visibleCount(page, '.node'), near.components.size);
      assert.equal(await visibleCount(page, '.edge'), near.flows.size);
      assert.ok(near.components.size < rag.graph.components.length);
      await page.keyboard.press('Escape');
      assert.equal(await visibleCount(page, '.node'), rag.graph.components.length);
      await send(page, { type: 'highlight', elementId: target });
      assert.equal(await page.locator('.highlighted').getAttribute('data-id'), target);
      await send(page, { type: 'highlight', elementId: null });
      assert.equal(await page.locator('.highlighted').count(), 0);
      await page.close();
    });

    await test('an attack path from the host (Fix Plan view) marks its components and flows, keeps them across a redraw, and clears', async () => {
      const file = '01-fintech-posture.mltm.yaml';
      const fintech = scenes.get(file) as DiagramScene;
      const analysis = analyze(readFileSync(join(examplesDir, file), 'utf8'));
      assert.equal(analysis.status, 'loaded');
      if (analysis.status !== 'loaded') return;
      const path = editorDecision(analysis, undefined).paths[0];
      assert.ok(path, 'the example has an attack path');
      const ids = path.steps.map((st) => st.element);
      assert.ok(
        path.steps.some((st) => st.elementType === 'flow'),
        'the path crosses at least one flow',
      );
      const { page, errors } = await openPage(browser);
      await showScene(page, fintech);
      await send(page, { type: 'highlightPath', pathId: path.id, elementIds: ids });
      const marked = () =>
        page.$$eval('.on-path', (els) =>
          els
            .map((e) => ({
              id: e.getAttribute('data-id'),
              shape: e.classList.contains('node') ? 'node' : 'edge',
              step: Number(e.getAttribute('data-path-step')),
            }))
            .sort((a, b) => a.step - b.step),
        );
      const expected = path.steps.map((st, i) => ({
        id: st.element,
        shape: st.elementType === 'component' ? 'node' : 'edge',
        step: i + 1,
      }));
      assert.deepEqual(await marked(), expected);
      assert.equal(await page.locator('svg.stage.path-shown').count(), 1);
      assert.equal(await page.locator('svg.stage').getAttribute('data-path'), path.id);
      // The rest recedes; the path stays fully opaque.
      const opacity = (selector: string) =>
        page.$eval(selector, (e) => Number(getComputedStyle(e).opacity));
      assert.equal(await opacity(`.node[data-id="${ids[0]}"]`), 1);
      const other = fintech.graph.components.find((c) => !ids.includes(c.id));
      assert.ok(other);
      assert.ok((await opacity(`.node[data-id="${other.id}"]`)) < 1, 'off-path nodes faded');
      // A redraw (the next edit's scene) keeps the path marked.
      await send(page, { type: 'scene', scene: fintech });
      await page.waitForFunction(
        (n) => document.querySelectorAll('.on-path').length === n,
        ids.length,
      );
      assert.deepEqual(await marked(), expected);
      // Malformed: ignored, the path stays.
      await send(page, { type: 'highlightPath', pathId: path.id, elementIds: 'x' });
      await send(page, { type: 'highlightPath', elementIds: [] });
      assert.deepEqual(await marked(), expected);
      await send(page, { type: 'highlightPath', pathId: null, elementIds: [] });
      assert.equal(await page.locator('.on-path').count(), 0);
      assert.equal(await page.locator('svg.stage.path-shown').count(), 0);
      assert.deepEqual(errors, []);
      await page.close();
    });

    await test('view state is saved for the serializer (model URI, transform, filters)', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      await page.locator('vscode-button[data-action="zoom-in"]').click();
      const state = (await page.evaluate(
        () => (window as unknown as { __state: Record<string, unknown> }).__state,
      )) as { modelUri: string; view: { k: number }; filters: unknown };
      assert.equal(state.modelUri, rag.modelUri);
      assert.ok(state.view.k > 0);
      assert.ok(state.filters);
      await page.close();
    });

    await test('malformed host messages are ignored: no error, nothing drawn', async () => {
      const { page, errors } = await openPage(browser);
      for (const bad of [
        { type: 'scene' },
        { type: 'scene', scene: { modelUri: 1 } },
        { type: 'eval', code: 'alert(1)' },
        { type: 'highlight', elementId: 5 },
        null,
        'scene',
        { type: 'scene', scene: { ...rag, layout: { ...rag.layout, nodes: 'x' } } },
      ])
        await send(page, bad as Record<string, unknown>);
      await showScene(page, rag);
      assert.equal(await page.locator('.node').count(), rag.graph.components.length);
      assert.deepEqual(errors, []);
      await page.close();
    });

    await test('a hostile model renders its labels as text and runs nothing', async () => {
      const evil = '<img src=x onerror="window.__pwned=1;alert(1)">';
      const text = [
        'mltm: 1',
        `name: '${evil} </script><script>alert(2)</script>'`,
        'boundaries:',
        `  b1: {name: '</script><script>window.__pwned=2</script>', trust: untrusted}`,
        'components:',
        `  a: {kind: user, name: '${evil}', boundary: b1}`,
        `  b: {kind: serving_endpoint, name: "\\"quoted\\" 'single' &amp; <b>bold</b>"}`,
        'flows:',
        `  - {from: a, to: b, name: '</script><svg onload=alert(3)>'}`,
      ].join('\n');
      const scene = await sceneOf(text, 'file:///hostile.mltm.yaml');
      const { page, errors, dialogs } = await openPage(browser);
      await showScene(page, scene);
      await page.locator('.node[data-id="a"] .node-box').click();
      await page.waitForTimeout(300);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(errors, []);
      assert.equal(
        await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
        undefined,
      );
      assert.equal(
        await page.locator('img, script:not([src]), svg svg[onload], b').count(),
        0,
        'no element created from a label',
      );
      const fullLabel = await page.locator('.node[data-id="a"] > title').textContent();
      assert.equal(fullLabel, `${evil} (a, user)`);
      assert.equal(await page.locator('.side-panel .panel-title').textContent(), evil);
      assert.equal(
        await page.locator('.node[data-id="b"] > title').textContent(),
        `"quoted" 'single' &amp; <b>bold</b> (b, serving_endpoint)`,
      );
      assert.ok(
        (await page.locator('.boundary[data-id="b1"] .boundary-label').textContent())?.startsWith(
          '</script>',
        ),
      );
      assert.ok(
        (await page.locator('.edge[data-id="a->b"] > title').textContent())?.startsWith(
          '</script><svg onload=alert(3)>',
        ),
      );
      await page.close();
    });

    for (const theme of THEMES) {
      await test(`theme ${theme.name}: colours follow the --vscode-* variables; screenshot saved`, async () => {
        const { page, errors } = await openPage(browser, theme, PANELS[0]);
        await showSceneForPanel(
          page,
          readFileSync(join(examplesDir, '11-rag-llm-app.mltm.yaml'), 'utf8'),
          rag.modelUri,
        );
        await page.locator(`.node[data-id="${target}"] .node-box`).click();
        await page.locator('vscode-button[data-action="fit"]').click();
        const rgb = (hex: string) =>
          `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
        assert.equal(
          await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
          rgb(theme.variables['--vscode-editor-background'] as string),
        );
        assert.equal(
          await page
            .locator('.node-label')
            .first()
            .evaluate((e) => getComputedStyle(e).fill),
          rgb(theme.variables['--vscode-foreground'] as string),
        );
        assert.equal(
          (await page
            .locator(
              '.badge[data-severity="critical"] .badge-bg, .badge[data-severity="high"] .badge-bg',
            )
            .first()
            .evaluate((e) => getComputedStyle(e).fill)) !== '',
          true,
        );
        if (theme.name === 'high-contrast')
          assert.equal(
            await page
              .locator('.badge-bg')
              .first()
              .evaluate((e) => getComputedStyle(e).stroke),
            rgb(theme.variables['--vscode-contrastBorder'] as string),
          );
        // The kind icon is drawn with the codicon font, which must have loaded under the CSP.
        assert.ok(await page.evaluate(() => document.fonts.check('16px codicon')));
        await page.screenshot({ path: join(artefacts, `diagram-${theme.name}.png`) });
        assert.deepEqual(errors, []);
        await page.close();
      });
    }

    await test('pan, zoom, fit and the minimap move the view', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      const transform = () => page.locator('svg.stage > g.content').getAttribute('transform');
      assert.equal(
        await page.locator('.minimap .minimap-node').count(),
        rag.graph.components.length,
      );
      await page.locator('vscode-button[data-action="fit"]').click();
      const fitted = await transform();
      await page.locator('vscode-button[data-action="zoom-in"]').click();
      const zoomed = await transform();
      assert.notEqual(zoomed, fitted);
      const scale = (t: string | null) => Number(/scale\(([\d.]+)\)/.exec(t ?? '')?.[1]);
      assert.ok(scale(zoomed) > scale(fitted), 'zoom in scales up');
      const box = await page.locator('svg.stage').boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + 40, box.y + 40);
      await page.mouse.down();
      await page.mouse.move(box.x + 140, box.y + 90, { steps: 5 });
      await page.mouse.up();
      assert.notEqual(await transform(), zoomed, 'drag pans');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, 300);
      assert.ok(scale(await transform()) < scale(zoomed), 'wheel down zooms out');
      // Zoomed out, the corners are free of nodes and the minimap shows in one of them.
      await page.locator('vscode-button[data-action="zoom-out"]').click();
      await page.locator('vscode-button[data-action="zoom-out"]').click();
      await page.locator('.minimap').waitFor({ state: 'visible' });
      const mini = await page.locator('.minimap').boundingBox();
      assert.ok(mini);
      const beforeJump = await transform();
      await page.mouse.click(mini.x + 5, mini.y + mini.height / 2);
      assert.notEqual(await transform(), beforeJump, 'a click in the minimap moves the view');
      await page.locator('vscode-button[data-action="fit"]').click();
      assert.equal(await transform(), fitted);
      await page.close();
    });

    await test('a 500-component model renders completely, with the minimap', async () => {
      const boundaries = Array.from({ length: 20 }, (_, i) => ({
        id: `zone-${String(i).padStart(2, '0')}`,
        label: `Zone ${i}`,
        trust: i % 3 === 0 ? 'untrusted' : 'trusted',
      }));
      const components = Array.from({ length: 500 }, (_, i) => ({
        id: `c-${String(i).padStart(3, '0')}`,
        label: `Component ${i}`,
        kind: 'tool',
        boundary: (boundaries[i % 20] as { id: string }).id,
      }));
      const flows = Array.from({ length: 499 }, (_, i) => ({
        id: `f-${String(i + 1).padStart(3, '0')}`,
        source: (components[Math.floor(i / 2)] as { id: string }).id,
        target: (components[i + 1] as { id: string }).id,
        label: i % 5 === 0 ? 'grpc' : '',
        bidirectional: false,
      }));
      const graph = { boundaries, components, flows };
      const scene: DiagramScene = {
        modelUri: 'file:///large.mltm.yaml',
        modelName: 'large',
        graph,
        layout: await computeLayout(graph),
        threats: [],
        problemCount: 0,
      };
      const { page, errors } = await openPage(browser);
      await showScene(page, scene);
      assert.equal(await page.locator('.edge').count(), 499);
      assert.equal(await page.locator('.boundary').count(), 20);
      assert.equal(await page.locator('.minimap .minimap-node').count(), 500);
      assert.deepEqual(errors, []);
      await page.close();
    });

    await test('export posts an SVG with the labels and a real PNG', async () => {
      const { page } = await openPage(browser);
      await showScene(page, rag);
      await page.locator('vscode-button[data-action="fit"]').click();
      await page.locator('vscode-button[data-action="export"]').click();
      await page.locator('vscode-button[data-action="export-svg"]').click();
      await page.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some(
          (m) => m.type === 'exportImage',
        ),
      );
      const svgMessage = (await posted(page)).find((m) => m.type === 'exportImage') as Extract<
        WebviewToHost,
        { type: 'exportImage' }
      >;
      assert.equal(svgMessage.format, 'svg');
      assert.match(svgMessage.data, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      const firstLabel = rag.graph.components[0]?.label.slice(0, 8) as string;
      assert.ok(svgMessage.data.includes(firstLabel), 'labels in the SVG');
      assert.ok(!svgMessage.data.includes('var(--vscode'), 'colours resolved, not theme variables');
      assert.ok(!svgMessage.data.includes('codicon'), 'no dependency on the codicon font');
      writeFileSync(join(artefacts, 'export.svg'), svgMessage.data);
      await page.locator('vscode-button[data-action="export-png"]').click();
      await page.waitForFunction(
        () =>
          (window as unknown as { __posted: { type: string; format?: string }[] }).__posted.some(
            (m) => m.type === 'exportImage' && m.format === 'png',
          ),
        undefined,
        { timeout: 15000 },
      );
      const png = (await posted(page)).find(
        (m) => m.type === 'exportImage' && m.format === 'png',
      ) as Extract<WebviewToHost, { type: 'exportImage' }>;
      const bytes = Buffer.from(png.data, 'base64');
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      writeFileSync(join(artefacts, 'export.png'), bytes);
      // The same export asked by the host (an export command).
      await send(page, { type: 'export', format: 'svg' });
      await page.waitForFunction(
        () =>
          (window as unknown as { __posted: { type: string; format?: string }[] }).__posted.filter(
            (m) => m.type === 'exportImage' && m.format === 'svg',
          ).length === 2,
      );
      await page.close();
    });

    await test("the toolbar's Export Mermaid posts a typed exportMermaid request the host guard accepts", async () => {
      const { page, errors } = await openPage(browser);
      await showScene(page, rag);
      await page.locator('vscode-button[data-action="export"]').click();
      await page.locator('vscode-button[data-action="export-mermaid"]').click();
      const first = (await postedActions(page)).at(-1);
      assert.equal(first?.type, 'exportMermaid');
      assert.deepEqual(Object.keys(first ?? {}).sort(), ['requestId', 'type']);
      assert.ok(isWebviewToHost(first), 'the host accepts it');
      await page.locator('vscode-button[data-action="export-mermaid"]').click();
      const second = (await postedActions(page)).at(-1) as Extract<
        WebviewToHost,
        { type: 'exportMermaid' }
      >;
      assert.ok(
        second.requestId > (first as Extract<WebviewToHost, { type: 'exportMermaid' }>).requestId,
        'a fresh request id per click',
      );
      assert.equal(
        isWebviewToHost({ type: 'exportMermaid', requestId: 1, text: 'flowchart LR' }),
        false,
        'no extra keys',
      );
      assert.equal(
        isWebviewToHost({ type: 'exportMermaid', requestId: -1 }),
        false,
        'request ids are non-negative integers',
      );
      assert.deepEqual(errors, []);
      await page.close();
    });

    await test('focus from the host on a component or a flow selects it (CodeLens "Diagram")', async () => {
      const { page, errors } = await openPage(browser);
      await showScene(page, rag);
      const flow = rag.graph.flows.find(
        (f) => f.source !== f.target,
      ) as DiagramScene['graph']['flows'][number];
      await send(page, { type: 'focus', elementId: flow.id });
      await page.locator('.side-panel').waitFor({ state: 'visible' });
      assert.equal(await page.locator('.side-panel').getAttribute('data-kind'), 'flow');
      assert.ok(
        (await page.locator(`.edge[data-id="${flow.id}"]`).getAttribute('class'))?.includes(
          'selected',
        ),
      );
      assert.equal(
        await visibleCount(page, '.node'),
        rag.graph.components.length,
        'a flow does not hide the rest',
      );
      await send(page, { type: 'focus', elementId: target });
      assert.equal(await page.locator('.side-panel').getAttribute('data-kind'), 'component');
      assert.equal(
        await visibleCount(page, '.node'),
        visibleElements(rag, { ...defaultFilters(), focus: target }).components.size,
      );
      await send(page, { type: 'focus', elementId: 'no-such-element' });
      assert.equal(
        await page.locator('.side-panel').getAttribute('data-kind'),
        'component',
        'an unknown id changes nothing',
      );
      assert.deepEqual(errors, []);
      await page.close();
    });
  } finally {
    await browser.close();
    server.close();
  }
}

main()
  .catch((error: unknown) => {
    results.failed++;
    results.failures.push({
      title: 'webview suite',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  })
  .finally(() => {
    console.log(`\n${results.passed} passed, ${results.failed} failed`);
    const countsFile = process.env.MLTM_COUNTS_FILE;
    if (countsFile) writeFileSync(countsFile, JSON.stringify(results, null, 2));
    // Exit outright: a handle left open by a failed step must not keep the suite alive.
    process.exit(results.failed > 0 ? 1 : 0);
  });
