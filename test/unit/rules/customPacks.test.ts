/**
 * A repository's own rule packs (`.mltm/rules/*.yaml`), `--atlas <ATLAS.yaml>` and the
 * `mltm analyze --format json` contract, through the real CLI on files in a temporary folder.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/main';
import type { AnalysisJson } from '../../../src/core/contract';
import { sharedKbFileOrSkip, sharedKbPath } from '../../support/sharedKb';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const OFFICIAL_ATLAS = sharedKbPath('ATLAS.yaml');

const MODEL = `mltm: 1
name: Custom pack test
boundaries:
  internet: { name: Internet, trust: untrusted }
  platform: { name: Platform, trust: trusted }
data:
  req: { kind: inference_request, classification: internal }
components:
  client: { kind: external_client, boundary: internet }
  scorer: { kind: serving_endpoint, boundary: platform, tech: "kserve, feast-client" }
flows:
  - { id: call, from: client, to: scorer, bidirectional: true, data: [req] }
`;

async function cli(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    today: '2026-01-01',
  });
  return { code, stdout, stderr };
}

describe('custom rule packs from .mltm/rules', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mltm-packs-'));
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, '.mltm', 'rules'), { recursive: true });
    writeFileSync(join(root, 'model.mltm.yaml'), MODEL);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const pack = (name: string, text: string) =>
    writeFileSync(join(root, '.mltm', 'rules', name), text);
  const analyzeJson = async () => {
    const result = await cli(root, 'analyze', join(root, 'model.mltm.yaml'), '--format', 'json');
    return { ...result, json: JSON.parse(result.stdout) as AnalysisJson };
  };

  it('adds a rule, which fires with its own ids, severity and missing controls', async () => {
    pack(
      'team.yaml',
      `mltm-rules: 1
pack: { id: team }
rules:
  - id: feast-client-pinned
    title: Feature client not pinned
    element: component
    when: { kind: [serving_endpoint], tech: [feast-client] }
    stride: [T]
    atlas: [AML.T0010.001]
    owasp: [ML06:2023]
    severity: low
    mitigations: { all_of: [aibom] }
    why: "{element} uses {tech}"
`,
    );
    const { code, json } = await analyzeJson();
    assert.equal(code, 0);
    assert.deepEqual(json.problems, []);
    const threat = json.threats.find((t) => t.id === 'feast-client-pinned@scorer');
    assert.ok(threat, 'the custom rule fires');
    assert.deepEqual(threat.atlas, ['AML.T0010.001']);
    assert.deepEqual(threat.missingControls, ['aibom']);
    assert.match(threat.why, /`scorer` uses kserve, feast-client/);
  });

  it('switches a built-in rule off by id, and reports an unknown id with a suggestion', async () => {
    const before = await analyzeJson();
    assert.ok(
      before.json.threats.some((t) => t.ruleId === 'model-extraction-inference-api'),
      'fires by default',
    );
    pack(
      'off.yaml',
      'mltm-rules: 1\ndisable: [model-extraction-inference-api, model-drift-unmonitord]\nrules: []\n',
    );
    const { json } = await analyzeJson();
    assert.ok(
      !json.threats.some((t) => t.ruleId === 'model-extraction-inference-api'),
      'switched off',
    );
    assert.ok(
      json.threats.some((t) => t.ruleId === 'model-drift-unmonitored'),
      'a misspelt id switches nothing off',
    );
    const problem = json.problems.find((p) => p.code === 'MLTM404');
    assert.ok(problem, 'the unknown id is reported');
    assert.match(problem.message, /did you mean `model-drift-unmonitored`/);
    assert.match(problem.file, /off\.yaml$/);
    assert.deepEqual([problem.range.startLine, problem.range.startColumn], [2, 43]);
  });

  it('reports a malformed pack with located errors, and still analyses with the rest', async () => {
    pack(
      'bad.yaml',
      'mltm-rules: 1\nrules:\n  - id: broken\n    title: Broken\n    element: component\n    when: { kind: [serving_endpont] }\n    stride: [X]\n    severity: high\n',
    );
    const { code, json, stdout } = await analyzeJson();
    assert.equal(code, 1, 'errors in a pack fail the run');
    const errors = json.problems.filter(
      (p) => p.file.endsWith('bad.yaml') && p.severity === 'error',
    );
    assert.ok(errors.length >= 2, stdout);
    const kind = errors.find((p) => p.message.includes('serving_endpont'));
    assert.ok(kind, 'the unknown kind is named');
    assert.equal(kind.range.startLine, 6);
    assert.match(kind.message, /serving_endpoint/, 'with a suggestion');
    assert.ok(
      errors.some((p) => p.range.startLine === 7),
      'the bad STRIDE letter is located',
    );
    assert.ok(!json.threats.some((t) => t.ruleId === 'broken'), 'a broken rule never fires');
    assert.ok(
      json.threats.some((t) => t.ruleId === 'model-extraction-inference-api'),
      'built-in rules still run',
    );
  });

  it('reports YAML that is not a pack at all, without crashing', async () => {
    pack('junk.yaml', 'rules: [\n');
    const { json } = await analyzeJson();
    assert.ok(json.problems.some((p) => p.file.endsWith('junk.yaml') && p.severity === 'error'));
    assert.ok(json.threats.length > 0);
  });

  it('reports an unknown ATLAS id, drops it from the rule, and the rule still fires', async () => {
    pack(
      'atlas.yaml',
      `mltm-rules: 1
rules:
  - id: custom-extraction
    title: Extraction (old id)
    element: flow
    when: { to: { kind: [serving_endpoint] } }
    stride: [I]
    atlas: [AML.T0045, AML.T0024.002]
    severity: medium
`,
    );
    const { json } = await analyzeJson();
    const problem = json.problems.find((p) => p.code === 'MLTM403');
    assert.ok(problem);
    assert.match(problem.message, /AML\.T0045.*did you mean `AML\.T0048\.004`/);
    assert.equal(problem.range.startLine, 3);
    const threat = json.threats.find((t) => t.id === 'custom-extraction@call');
    assert.deepEqual(threat?.atlas, ['AML.T0024.002']);
  });

  it('refuses to redefine a built-in rule id (use disable instead)', async () => {
    pack(
      'dup.yaml',
      'mltm-rules: 1\nrules:\n  - { id: model-drift-unmonitored, title: Mine, element: component, when: {}, stride: [T], severity: low }\n',
    );
    const { json } = await analyzeJson();
    const problem = json.problems.find((p) => p.code === 'MLTM402');
    assert.ok(problem);
    assert.match(problem.message, /already defined/);
    assert.equal(
      json.threats.find((t) => t.id === 'model-drift-unmonitored@scorer')?.title,
      'Silent accuracy decay without drift monitoring',
    );
  });
});

describe('--atlas <ATLAS.yaml>', () => {
  it('replaces the bundled catalogue with the official file', async function () {
    sharedKbFileOrSkip(this, 'ATLAS.yaml', 'the --atlas test with the official ATLAS data');
    const example = join(REPO, 'examples', '02-model-extraction.mltm.yaml');
    const bundled = await cli(REPO, 'analyze', example, '--format', 'json');
    const official = await cli(
      REPO,
      'analyze',
      example,
      '--format',
      'json',
      '--atlas',
      OFFICIAL_ATLAS,
    );
    assert.equal(official.code, 0, official.stderr);
    const json = JSON.parse(official.stdout) as AnalysisJson;
    assert.equal(json.atlasVersion, '5.6.0');
    assert.deepEqual(json.problems, [], 'every built-in ATLAS id resolves in the official data');
    assert.deepEqual(
      json.threats,
      (JSON.parse(bundled.stdout) as AnalysisJson).threats,
      'same ATLAS version, same threats',
    );
  });

  it('rejects a file that is not ATLAS data with a located message', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mltm-atlas-'));
    try {
      writeFileSync(join(root, 'model.mltm.yaml'), MODEL);
      writeFileSync(join(root, 'ATLAS.yaml'), 'id: nothing\n');
      const result = await cli(
        root,
        'analyze',
        join(root, 'model.mltm.yaml'),
        '--atlas',
        join(root, 'ATLAS.yaml'),
      );
      assert.equal(result.code, 2);
      assert.match(result.stderr, /ATLAS\.yaml:1:1: error MLTM406/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a newer ATLAS without an id a rule cites reports it and keeps analysing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mltm-atlas-'));
    try {
      writeFileSync(join(root, 'model.mltm.yaml'), MODEL);
      writeFileSync(
        join(root, 'ATLAS.yaml'),
        'version: 9.9.0\nmatrices:\n- tactics: [{id: AML.TA0000, name: AI Model Access}]\n  techniques: [{id: AML.T0040, name: AI Model Inference API Access, tactics: [AML.TA0000]}]\n  mitigations: [{id: AML.M0004, name: Restrict Number of AI Model Queries, techniques: [{id: AML.T0040}]}]\ncase-studies: []\n',
      );
      const result = await cli(
        root,
        'analyze',
        join(root, 'model.mltm.yaml'),
        '--format',
        'json',
        '--atlas',
        join(root, 'ATLAS.yaml'),
      );
      const json = JSON.parse(result.stdout) as AnalysisJson;
      assert.equal(json.atlasVersion, '9.9.0');
      assert.ok(
        json.problems.some((p) => p.code === 'MLTM403' && p.message.includes('ATLAS 9.9.0')),
      );
      const extraction = json.threats.find((t) => t.id === 'model-extraction-inference-api@call');
      assert.deepEqual(
        extraction?.atlas,
        ['AML.T0040'],
        'unknown ids are left out, the rule still fires',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('mltm analyze --format json: the contract', () => {
  it('has the documented fields, and threats sorted by element position then rule id', async () => {
    const example = join(REPO, 'examples', '01-fintech-posture.mltm.yaml');
    const first = await cli(REPO, 'analyze', example, '--format', 'json');
    const second = await cli(REPO, 'analyze', example, '--format', 'json');
    assert.equal(first.code, 0);
    assert.equal(first.stdout, second.stdout, 'deterministic bytes');
    const json = JSON.parse(first.stdout) as AnalysisJson;
    assert.deepEqual(Object.keys(json), ['format', 'model', 'atlasVersion', 'threats', 'problems']);
    assert.equal(json.format, 1);
    assert.deepEqual(json.model, {
      file: 'examples/01-fintech-posture.mltm.yaml',
      name: 'Northwind Finance — shared ML platform (credit, fraud, recommendations)',
      components: 27,
      flows: 41,
    });
    const threat = json.threats[0];
    assert.ok(threat);
    for (const field of [
      'id',
      'ruleId',
      'element',
      'elementType',
      'elementKind',
      'title',
      'category',
      'stride',
      'atlas',
      'owasp',
      'severity',
      'baseSeverity',
      'severityReasons',
      'why',
      'mitigations',
      'mitigatedBy',
      'missingControls',
      'mitigated',
      'fingerprint',
      'range',
    ])
      assert.ok(field in threat, `threats have \`${field}\``);
    assert.deepEqual(Object.keys(threat.range), [
      'startLine',
      'startColumn',
      'endLine',
      'endColumn',
      'startOffset',
      'endOffset',
    ]);
    const text = readFileSync(example, 'utf8');
    for (const t of json.threats) {
      assert.equal(t.id, `${t.ruleId}@${t.element}`);
      // The element's id where it is written; a flow with a derived id `<from>-><to>` is located at the flow.
      if (t.element.includes('->'))
        assert.match(
          text.slice(t.range.startOffset, t.range.endOffset),
          /^from: /,
          `${t.id}: the range is the flow`,
        );
      else
        assert.equal(
          text.slice(t.range.startOffset, t.range.endOffset),
          t.element,
          `${t.id}: the range is the element's id`,
        );
    }
    for (let i = 1; i < json.threats.length; i++) {
      const a = json.threats[i - 1];
      const b = json.threats[i];
      assert.ok(a && b);
      assert.ok(
        a.range.startOffset < b.range.startOffset ||
          (a.range.startOffset === b.range.startOffset && a.ruleId < b.ruleId),
        `${a.id} before ${b.id}`,
      );
    }
    const extraction = json.threats.find(
      (t) => t.id === 'model-extraction-inference-api@public-recs-call',
    );
    assert.ok(extraction);
    assert.equal(extraction.elementType, 'flow');
    assert.equal(extraction.category, 'ml');
    assert.deepEqual(extraction.mitigations, {
      allOf: ['rate_limiting'],
      anyOf: ['output_obfuscation', 'adversarial_input_detection'],
    });
    assert.deepEqual(extraction.missingControls, [
      'output_obfuscation',
      'adversarial_input_detection',
    ]);
    assert.deepEqual(extraction.mitigatedBy, [
      { control: 'rate_limiting', how: 'neighbour', on: ['api-gateway'] },
    ]);
  });
});
