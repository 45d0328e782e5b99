/**
 * `mltm import`: each fixture folder (real formats, written from their public specifications)
 * drafts the golden model, which validates and is analysed; the drafted controls are exactly
 * those the files prove; broken evidence is a located problem and skipped; nothing supported
 * exits 2; `--output` refuses an existing file without `--force`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../../src/core/analysis';
import { loadModel } from '../../../src/core/model/load';
import { assertGolden } from '../../support/golden';
import { mltm } from '../cli/run';
import { loaded } from '../../support/analysis';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'import');
const FORMATS = [
  'dvc',
  'dvc-v2',
  'kfp',
  'argo',
  'kserve',
  'seldon',
  'mesh',
  'compose',
  'mlflow',
  'mcp',
];

function componentsOf(text: string): Map<string, { controls: readonly string[]; kind: string }> {
  const { model } = loadModel(text);
  assert.ok(model, 'the draft loads');
  return new Map(model.components.map((c) => [c.id, c]));
}

describe('mltm import', () => {
  for (const format of FORMATS) {
    it(`drafts ${format}/ into a model that validates and is analysed`, async () => {
      const run = await mltm(['import', format], FIXTURES);
      assert.equal(run.code, 0, run.stderr);
      assertGolden(`import/${format}.mltm.yaml`, run.stdout);
      assertGolden(`import/${format}.stderr.txt`, run.stderr);
      const analysis = analyze(run.stdout);
      assert.deepEqual(
        analysis.problems.filter((p) => p.severity === 'error'),
        [],
        'the draft has no errors',
      );
      const ok = loaded(analysis);
      assert.ok(ok.model.components.length > 0);
      assert.ok(ok.threats.length > 0, 'the draft is analysed into threats');
    });
  }

  it('claims mtls only where STRICT applies, and never past PERMISSIVE, port-level or no sidecar', async () => {
    const run = await mltm(['import', 'mesh'], FIXTURES);
    const components = componentsOf(run.stdout);
    assert.deepEqual([...(components.get('scorer')?.controls ?? [])].sort(), [
      'authz',
      'mtls',
      'network_policy',
    ]);
    assert.deepEqual([...(components.get('scorer-transformer')?.controls ?? [])].sort(), [
      'authz',
      'mtls',
      'network_policy',
    ]);
    // PERMISSIVE workload override, an allow-all ingress rule and an AuthorizationPolicy `- {}`.
    assert.deepEqual(components.get('explainer-demo')?.controls, []);
    // Port-level STRICT only in its namespace, and the sidecar disabled: no mtls; deny-all ingress.
    assert.deepEqual(components.get('reviewer')?.controls, ['network_policy']);
    assert.match(run.stderr, /istio\.yaml:21:5: info MLTM505 mTLS mode PERMISSIVE/);
    assert.match(
      run.stderr,
      /istio\.yaml:64:7: info MLTM505 This rule `\{\}` matches every request/,
    );
  });

  it('never copies a literal secret into the draft, and reports it at its line', async () => {
    const run = await mltm(['import', 'compose'], FIXTURES);
    assert.ok(!run.stdout.includes('minio-secret-123'));
    assert.ok(!run.stdout.includes('letmein'));
    assert.match(
      run.stderr,
      /compose\/compose\.yaml:40:30: warning MLTM503 Service `mlflow` sets `AWS_SECRET_ACCESS_KEY`/,
    );
  });

  it('drafts MCP servers local or remote, ignores commented-out ones and copies no env value', async () => {
    const run = await mltm(['import', 'mcp'], FIXTURES);
    const components = componentsOf(run.stdout);
    assert.equal(components.get('github')?.kind, 'mcp_server');
    assert.equal(components.has('playwright'), false);
    assert.deepEqual(components.get('memory')?.controls, ['dependency_pinning']);
    // `${input:github-token}` has `password: true`; `${input:workspace-name}` does not.
    assert.deepEqual(components.get('github')?.controls, ['secrets_management']);
    assert.deepEqual(components.get('notes')?.controls, []);
    for (const secret of ['Sup3rS3cret', 'lin_api_0123456789abcdefghij'])
      assert.ok(!run.stdout.includes(secret), `${secret} is not copied`);
    assert.match(
      run.stderr,
      /mcp\/\.mcp\.json:11:25: warning MLTM503 Server `postgres` has a literal value in env `DATABASE_URI`/,
    );
    assert.match(
      run.stderr,
      /mcp\/\.vscode\/mcp\.json:27:22: info MLTM504 Server `filesystem` runs `npx -y @modelcontextprotocol\/server-filesystem` without an exact version/,
    );
  });

  it('does not let a tech word imply a control no file proves', async () => {
    const run = await mltm(['import', 'seldon'], FIXTURES);
    // `alibi-detect` implies drift monitoring; the Model's requirements do not prove it is in place.
    assert.ok(!/alibi-detect/.test(run.stdout));
    assert.ok(!/drift_monitoring/.test(run.stdout));
  });

  describe('bad input', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mltm-import-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('skips broken files with located problems and imports the rest', async () => {
      mkdirSync(join(dir, 'good'));
      writeFileSync(join(dir, 'good', 'dvc.yaml'), readFileSync(join(FIXTURES, 'dvc', 'dvc.yaml')));
      mkdirSync(join(dir, 'truncated'));
      writeFileSync(
        join(dir, 'truncated', 'dvc.yaml'),
        'stages:\n  train:\n    cmd: python train.py\n    deps: [data\n',
      );
      writeFileSync(
        join(dir, 'bomb.yaml'),
        'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n',
      );
      mkdirSync(join(dir, '.vscode'));
      writeFileSync(join(dir, '.vscode', 'mcp.json'), Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff]));
      writeFileSync(join(dir, 'events.json'), '');
      truncateSync(join(dir, 'events.json'), 50 * 1024 * 1024);
      const run = await mltm(['import', '.'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /truncated\/dvc\.yaml:\d+:\d+: error MLTM001 /);
      assert.match(run.stderr, /bomb\.yaml:\d+:\d+: error MLTM003 /);
      assert.match(run.stderr, /\.vscode\/mcp\.json:1:1: error MLTM005 .*skipped\./);
      assert.match(
        run.stderr,
        /events\.json:1:1: error MLTM007 The file is 50\.0 MB; .* Skipped\./,
      );
      assert.match(run.stdout, /x-source: "good\/dvc\.yaml:3"/);
    });

    it('refuses a FIFO without blocking on it', async function () {
      if (process.platform === 'win32') this.skip();
      writeFileSync(join(dir, 'dvc.yaml'), readFileSync(join(FIXTURES, 'dvc', 'dvc.yaml')));
      execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
      const run = await mltm(['import', '.'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /pipe\.yaml:1:1: warning MLTM501 Not a regular file/);
    });

    it('reads .dvc/config but skips node_modules, .git, build output and the DVC cache', async () => {
      const compose = 'services:\n  web:\n    image: nginx:1.27\n';
      for (const skipped of ['node_modules/pkg', '.git', 'dist', 'build', '.dvc/cache'])
        mkdirSync(join(dir, skipped), { recursive: true });
      for (const skipped of ['node_modules/pkg', '.git', 'dist', 'build', '.dvc/cache'])
        writeFileSync(join(dir, skipped, 'compose.yaml'), compose);
      writeFileSync(
        join(dir, '.dvc', 'config'),
        '[\'remote "store"\']\n    url = s3://bucket/dvc\n',
      );
      const run = await mltm(['import', '.'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /x-source: "\.dvc\/config:2"/);
      assert.ok(!run.stdout.includes('compose.yaml'), run.stdout);
    });

    it('says so and exits 2 when a folder holds no supported file', async () => {
      writeFileSync(join(dir, 'notes.yaml'), 'title: notes\nitems: [a, b]\n');
      writeFileSync(join(dir, 'package.json'), '{"name": "x"}\n');
      const run = await mltm(['import', '.'], dir);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(
        run.stderr,
        /error MLTM502 No supported file in `\.` \(2 candidate files looked at\)/,
      );
      assert.match(run.stderr, /nothing was written/);
    });

    it('refuses to replace --output without --force, then replaces it atomically', async () => {
      writeFileSync(join(dir, 'dvc.yaml'), readFileSync(join(FIXTURES, 'dvc', 'dvc.yaml')));
      writeFileSync(join(dir, 'model.mltm.yaml'), 'mine\n');
      const refused = await mltm(['import', '.', '--output', 'model.mltm.yaml'], dir);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /exists; add --force/);
      assert.equal(readFileSync(join(dir, 'model.mltm.yaml'), 'utf8'), 'mine\n');
      const forced = await mltm(['import', '.', '--output', 'model.mltm.yaml', '--force'], dir);
      assert.equal(forced.code, 0, forced.stderr);
      const written = readFileSync(join(dir, 'model.mltm.yaml'), 'utf8');
      assert.match(written, /^# Draft threat model/);
      assert.match(written, /x-source: "dvc\.yaml:3"/);
      assert.deepEqual(
        loadModel(written).problems.filter((p) => p.severity === 'error'),
        [],
      );
    });
  });
});
