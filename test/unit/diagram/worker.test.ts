import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { computeLayout, diagramGraphFromPipeline } from '../../../src/core/layout';
import { LayoutClient } from '../../../src/extension/diagram/layoutClient';
import { startNodeWorker } from '../../../src/extension/workers/nodeWorker';
import { analyzeLoaded } from '../../support/analysis';

const root = join(__dirname, '../../..');

describe('diagram layout worker', () => {
  let dir: string;
  let workerPath: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mltm-worker-'));
    workerPath = join(dir, 'layoutWorker.js');
    // The same bundle options as scripts/build.mjs uses for dist/layoutWorker.js.
    await esbuild.build({
      entryPoints: [join(root, 'src/extension/layoutWorker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: workerPath,
      loader: { '.yaml': 'text' },
      logLevel: 'warning',
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const graphOf = (file: string) => {
    const analysis = analyzeLoaded(readFileSync(join(root, 'examples', file), 'utf8'));
    assert.ok(analysis.graph);
    return diagramGraphFromPipeline(analysis.graph);
  };

  it('lays out in a worker thread with the same result as in process', async () => {
    const client = new LayoutClient(() => startNodeWorker(workerPath));
    try {
      const graph = graphOf('06-unauthenticated-resnet.mltm.yaml');
      assert.deepEqual(await client.layout(graph), await computeLayout(graph));
    } finally {
      client.dispose();
    }
  });

  it('a newer request supersedes a running one: the stale result is dropped and the worker restarted', async () => {
    const client = new LayoutClient(() => startNodeWorker(workerPath));
    try {
      const first = client.layout(graphOf('01-fintech-posture.mltm.yaml'));
      const newer = graphOf('02-model-extraction.mltm.yaml');
      const second = client.layout(newer);
      assert.equal(await first, undefined);
      assert.deepEqual(await second, await computeLayout(newer));
      assert.equal(client.restarts, 1);
      // The restarted worker keeps serving.
      assert.ok(await client.layout(newer));
    } finally {
      client.dispose();
    }
  });

  it('the diagram panel module loads neither ELK nor mermaid (they must not load on activation)', async () => {
    const result = await esbuild.build({
      entryPoints: [join(root, 'src/extension/diagram/diagramPanel.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      external: ['vscode'],
      loader: { '.yaml': 'text' },
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((i) => i.includes('src/core/analysis.ts')));
    assert.deepEqual(
      inputs.filter((i) => /elkjs|mermaid/.test(i)),
      [],
    );
  });
});
