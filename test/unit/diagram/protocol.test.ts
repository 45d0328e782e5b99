import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildScene, computeLayout, diagramGraphFromPipeline } from '../../../src/core/layout';
import { isHostToWebview, isWebviewToHost } from '../../../src/shared/protocol';
import { diagramCsp, diagramHtml } from '../../../src/extension/diagram/html';
import { analyzeLoaded } from '../../support/analysis';

describe('diagram protocol guards', () => {
  it('accepts every well-formed webview message', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'ready', panel: { width: 1000, height: 620 } },
      { type: 'panelSize', panel: { width: 600.5, height: 760 } },
      { type: 'revealElement', elementId: 'scorer' },
      { type: 'addControl', requestId: 1, elementId: 'scorer', control: 'rate_limiting' },
      { type: 'addControl', requestId: 1, elementId: 'scorer', control: 'x-canary-tokens' },
      {
        type: 'setThreatStatus',
        requestId: 2,
        threatId: 'STRIDE-S@scorer',
        status: 'accepted',
        justification: 'internal only',
      },
      { type: 'setThreatStatus', requestId: 3, threatId: 'x@y', status: 'not_applicable' },
      { type: 'exportImage', requestId: 4, format: 'svg', data: '<svg/>' },
      { type: 'exportMermaid', requestId: 5 },
    ])
      assert.ok(isWebviewToHost(message), JSON.stringify(message));
  });

  it('rejects malformed webview messages', () => {
    for (const message of [
      null,
      'ready',
      [],
      {},
      { type: 'nope' },
      { type: 'ready', extra: 1 },
      { type: 'ready', panel: { width: 0, height: 600 } },
      { type: 'ready', panel: { width: 1000 } },
      { type: 'panelSize' },
      { type: 'panelSize', panel: { width: -1, height: 600 } },
      { type: 'panelSize', panel: { width: 1e9, height: 600 } },
      { type: 'panelSize', panel: { width: 800, height: 600, depth: 1 } },
      { type: 'panelSize', panel: { width: Number.NaN, height: 600 } },
      { type: 'revealElement' },
      { type: 'revealElement', elementId: '' },
      { type: 'revealElement', elementId: 42 },
      { type: 'revealElement', elementId: 'x'.repeat(5000) },
      { type: 'addControl', requestId: -1, elementId: 'a', control: 'authn' },
      { type: 'addControl', requestId: 1.5, elementId: 'a', control: 'authn' },
      { type: 'addControl', requestId: 1, elementId: 'a', control: 'authn; rm -rf /' },
      { type: 'setThreatStatus', requestId: 1, threatId: 't', status: 'mitigated' },
      {
        type: 'setThreatStatus',
        requestId: 1,
        threatId: 't',
        status: 'accepted',
        justification: 7,
      },
      { type: 'exportImage', requestId: 1, format: 'gif', data: 'x' },
      { type: 'exportImage', requestId: 1, format: 'png', data: '' },
      { type: 'exportMermaid' },
      { type: 'exportMermaid', requestId: '1' },
      { type: 'exportMermaid', requestId: 1, text: 'flowchart LR' },
      { type: '__proto__' },
    ])
      assert.equal(isWebviewToHost(message), false, JSON.stringify(message));
  });

  it('accepts a real scene and rejects broken host messages', async () => {
    const analysis = analyzeLoaded(
      readFileSync(
        join(__dirname, '../../../examples/06-unauthenticated-resnet.mltm.yaml'),
        'utf8',
      ),
    );
    assert.ok(analysis.graph);
    const graph = diagramGraphFromPipeline(analysis.graph);
    const scene = buildScene({
      modelUri: 'file:///m.mltm.yaml',
      analysis,
      graph,
      layout: await computeLayout(graph),
    });
    assert.ok(scene.threats.length > 0);
    assert.ok(isHostToWebview({ type: 'scene', scene }));
    assert.ok(isHostToWebview({ type: 'highlight', elementId: null }));
    assert.ok(isHostToWebview({ type: 'export', format: 'png' }));
    assert.ok(isHostToWebview({ type: 'highlightPath', pathId: 'p1', elementIds: ['a', 'a->b'] }));
    assert.ok(isHostToWebview({ type: 'highlightPath', pathId: null, elementIds: [] }));
    assert.equal(isHostToWebview({ type: 'export', format: 'pdf' }), false);
    assert.ok(isHostToWebview({ type: 'result', requestId: 3, ok: false, message: 'no' }));
    for (const message of [
      { type: 'scene' },
      { type: 'scene', scene: { ...scene, threats: [{ id: 1 }] } },
      // A threat without its category or with non-string LINDDUN codes: the filters need both.
      {
        type: 'scene',
        scene: { ...scene, threats: scene.threats.map(({ category: _c, ...t }) => t) },
      },
      {
        type: 'scene',
        scene: { ...scene, threats: scene.threats.map((t) => ({ ...t, linddun: [1] })) },
      },
      {
        type: 'scene',
        scene: { ...scene, layout: { ...scene.layout, nodes: [{ id: 'a', x: 'NaN' }] } },
      },
      { type: 'highlight' },
      { type: 'focus', elementId: null },
      { type: 'highlightPath', pathId: 'p1', elementIds: 'a' },
      { type: 'highlightPath', pathId: 'p1', elementIds: [1] },
      { type: 'highlightPath', elementIds: [] },
      { type: 'highlightPath', pathId: 'p1', elementIds: Array(10_001).fill('a') },
      { type: 'highlightPath', pathId: 'p1', elementIds: [], extra: true },
      { type: 'result', requestId: 'x', ok: true },
      { type: 'eval', code: 'alert(1)' },
    ])
      assert.equal(isHostToWebview(message), false, JSON.stringify(message).slice(0, 80));
  });

  it('builds a page with a strict nonce CSP and no inline script', () => {
    const html = diagramHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce: 'abc123',
      scriptUri: 'https://x/main.js',
      styleUri: 'https://x/main.css',
    });
    assert.equal(
      diagramCsp('https://x.vscode-cdn.net', 'abc123'),
      "default-src 'none'; script-src 'nonce-abc123'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:",
    );
    assert.ok(!html.includes('unsafe'));
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/main.js"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});
