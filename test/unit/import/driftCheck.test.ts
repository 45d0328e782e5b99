/**
 * The drift check the CLI and the editor share (core/import/driftCheck.ts), over an in-memory
 * file system like the editor's virtual workspaces: the same findings as `--compare`, sources
 * resolved through the file system given, and the editor's limits refusing a huge tree with one
 * MLTM520 instead of drift from part of the files.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importEvidence } from '../../../src/core/import';
import { EvidenceFile } from '../../../src/core/import/evidence';
import { checkDrift, EDITOR_DRIFT_LIMITS } from '../../../src/core/import/driftCheck';
import { relativePath } from '../../../src/core/import/importer';
import type { ImportFs } from '../../../src/core/import/walk';

const MESH = join(__dirname, '..', '..', 'fixtures', 'import', 'mesh');

/** A file system of `files` (path → text) under `/ws`; `broken` paths fail to stat. */
function memoryFs(files: Map<string, string>, broken: ReadonlySet<string> = new Set()): ImportFs {
  const folders = (path: string) => [...files.keys()].some((f) => f.startsWith(`${path}/`));
  return {
    async stat(path) {
      if (broken.has(path)) throw new Error('permission denied');
      const text = files.get(path);
      if (text !== undefined) return { type: 'file', size: Buffer.byteLength(text) };
      return folders(path) ? { type: 'directory', size: 0 } : undefined;
    },
    async list(path) {
      const names = new Map<string, 'file' | 'directory'>();
      for (const f of files.keys()) {
        if (!f.startsWith(`${path}/`)) continue;
        const rest = f.slice(path.length + 1);
        const slash = rest.indexOf('/');
        names.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? 'file' : 'directory');
      }
      return [...names].map(([name, type]) => ({ name, type }));
    },
    async read(path) {
      return new TextEncoder().encode(files.get(path) ?? '');
    },
    join: (folder, name) => `${folder}/${name}`,
  };
}

const display = (path: string) => path.replace(/^\/ws\//, '');
const meshFiles = () =>
  new Map(
    ['istio.yaml', 'network-policies.yaml', 'workloads.yaml'].map((name) => [
      `/ws/k8s/${name}`,
      readFileSync(join(MESH, name), 'utf8'),
    ]),
  );

/** The model `mltm import k8s` drafts, with `explainer-demo` claiming mtls. */
function modelClaimingMtls(files: Map<string, string>): string {
  const drafted = importEvidence(
    [...files].map(([path, text]) => new EvidenceFile(display(path), text)),
  );
  assert.ok(drafted.text !== undefined);
  return drafted.text.replace(
    /( {2}explainer-demo:\n(?: {4}.*\n)*? {4}x-source: "k8s\/workloads\.yaml:23")/,
    '$1\n    controls: [mtls]',
  );
}

describe('drift check (core, shared by the CLI and the editor)', () => {
  it('finds a contradicted claim through any file system, located in both files', async () => {
    const files = meshFiles();
    const text = modelClaimingMtls(files);
    const report = await checkDrift(
      ['/ws/k8s'],
      memoryFs(files),
      { display },
      { file: 'model.mltm.yaml', text, resolve: (p) => `/ws/${p}` },
    );
    assert.deepEqual(
      report.drift.map((d) => [d.file, d.problem.code]),
      [['model.mltm.yaml', 'MLTM510']],
    );
    const [finding] = report.drift;
    assert.equal(
      text.slice(finding?.problem.range.start, finding?.problem.range.end),
      'mtls',
      'located on the claim',
    );
    const related = finding?.problem.related?.[0];
    assert.equal(related?.file, 'k8s/istio.yaml');
    assert.equal(
      (files.get('/ws/k8s/istio.yaml') ?? '').slice(related?.range.start).split('\n')[0],
      'mode: PERMISSIVE',
    );
    assert.deepEqual(report.recognised, [
      'k8s/istio.yaml',
      'k8s/network-policies.yaml',
      'k8s/workloads.yaml',
    ]);
  });

  it('reports a source only when it is not there, not when it cannot be read', async () => {
    const files = meshFiles();
    const text = modelClaimingMtls(files).replace(
      'components:\n',
      'components:\n  gone-job:\n    kind: training_job\n    x-source: "argo/gone.yaml:4"\n  locked-job:\n    kind: training_job\n    x-source: "locked/wf.yaml:2"\n',
    );
    const report = await checkDrift(
      ['/ws/k8s'],
      memoryFs(files, new Set(['/ws/locked/wf.yaml'])),
      { display },
      { file: 'model.mltm.yaml', text, resolve: (p) => `/ws/${p}` },
    );
    const messages = report.drift
      .filter((d) => d.problem.code === 'MLTM512')
      .map((d) => d.problem.message);
    assert.deepEqual(messages, [
      '`gone-job` was drafted from `argo/gone.yaml`, which no longer exists.',
    ]);
  });

  it('refuses a tree over the limits with one MLTM520 on the model and no drift', async () => {
    const files = meshFiles();
    const text = modelClaimingMtls(files);
    for (let i = 0; i < EDITOR_DRIFT_LIMITS.maxFiles; i++)
      files.set(`/ws/k8s/many/f${String(i).padStart(4, '0')}.yaml`, 'a: 1\n');
    const report = await checkDrift(
      ['/ws/k8s'],
      memoryFs(files),
      { display, ...EDITOR_DRIFT_LIMITS },
      { file: 'model.mltm.yaml', text, resolve: (p) => `/ws/${p}` },
    );
    assert.deepEqual(report.drift, []);
    assert.deepEqual(report.evidence.walked.files, [], 'nothing was read past the limit');
    const refusal = report.problems.find((p) => p.problem.code === 'MLTM520');
    assert.equal(refusal?.file, 'model.mltm.yaml');
    assert.equal(
      refusal?.problem.message,
      'Drift was not checked: the evidence paths hold more than 2,000 candidate files. Name narrower folders in `mltm.drift.evidencePaths`, or run `mltm import <paths> --compare model.mltm.yaml`.',
    );

    const big = meshFiles();
    big.set('/ws/k8s/huge.yaml', 'x'.repeat(3 * 1048576));
    const bytes = await checkDrift(
      ['/ws/k8s'],
      memoryFs(big),
      { display, maxTotalBytes: 2 * 1048576 },
      { file: 'model.mltm.yaml', text, resolve: (p) => `/ws/${p}` },
    );
    assert.match(
      bytes.problems.find((p) => p.problem.code === 'MLTM520')?.problem.message ?? '',
      /hold more than 2 MB of candidate files\./,
    );
  });

  it('names evidence files relative to the model folder, as x-source does (the editor: URI paths)', () => {
    assert.equal(relativePath('/ws/drift', '/ws/drift/k8s/istio.yaml'), 'k8s/istio.yaml');
    assert.equal(relativePath('/ws/models', '/ws/k8s/istio.yaml'), '../k8s/istio.yaml');
    assert.equal(relativePath('/ws/a/b/', '/ws/c'), '../../c');
    assert.equal(relativePath('/c:/repo', '/c:/repo/dvc.yaml'), 'dvc.yaml');
  });
});
