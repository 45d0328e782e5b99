/**
 * The GitHub Action: `action.yml` against GitHub's published metadata schema (schemastore), and
 * its script (`src/cli/ciAction.ts`, built as dist/action.js) run end to end on a fixture git
 * repository — the SARIF it writes validates against the official SARIF 2.1.0 schema and keeps
 * every per-model result, the job summary and the step outputs say what the gate decided.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { buildSync } from 'esbuild';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { findModels, runCiAction, summaryMarkdown } from '../../../src/cli/ciAction';
import { mergeSarifLogs, type SarifLog } from '../../../src/core/report/sarifMerge';
import { multitoolFindings } from '../../support/sarifMultitool';
import { mltm } from './run';

const root = join(__dirname, '../../..');
const resolveDev = createRequire(__filename).resolve;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as object;

interface SarifRun {
  tool: { driver: { rules: { id: string }[] } };
  results: {
    ruleId: string;
    ruleIndex?: number;
    locations?: { physicalLocation?: { artifactLocation?: { uri?: string; index?: number } } }[];
  }[];
  artifacts?: unknown[];
}

function sarifValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(readJson(resolveDev('schemastore/schemas/json/sarif-2.1.0.json')));
}

function fixtureRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mltm-action-'));
  mkdirSync(join(dir, 'ml', 'fraud'), { recursive: true });
  mkdirSync(join(dir, 'llm'), { recursive: true });
  copyFileSync(
    join(root, 'examples/02-model-extraction.mltm.yaml'),
    join(dir, 'ml/fraud/extraction.mltm.yaml'),
  );
  copyFileSync(join(root, 'examples/11-rag-llm-app.mltm.yaml'), join(dir, 'llm/rag app.mltm.yaml'));
  writeFileSync(join(dir, 'README.md'), 'not a model\n');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', '.'], { cwd: dir });
  return dir;
}

describe('GitHub Action', () => {
  // The script as action.yml runs it: bundled like dist/action.js (scripts/build.mjs), here
  // from the sources under test so the test does not depend on an earlier build.
  let bundleDir: string;
  let actionScript: string;
  before(() => {
    bundleDir = mkdtempSync(join(tmpdir(), 'mltm-action-bundle-'));
    actionScript = join(bundleDir, 'action.js');
    buildSync({
      entryPoints: [join(root, 'src/cli/actionEntry.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: actionScript,
      loader: { '.yaml': 'text' },
      external: ['vscode'],
      logLevel: 'warning',
    });
  });
  after(() => rmSync(bundleDir, { recursive: true, force: true }));

  it('action.yml validates against the published GitHub Action metadata schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(
      readJson(resolveDev('schemastore/schemas/json/github-action.json')),
    );
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as unknown;
    assert.ok(validate(action), JSON.stringify(validate.errors, null, 2));
  });

  it('action.yml uses only inputs it declares and passes each to the script', () => {
    const text = readFileSync(join(root, 'action.yml'), 'utf8');
    const action = parse(text) as { inputs: Record<string, unknown> };
    const declared = new Set(Object.keys(action.inputs));
    const used = new Set([...text.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1] as string));
    for (const name of used) assert.ok(declared.has(name), `inputs.${name} is not declared`);
    for (const name of ['models', 'fail-on', 'atlas', 'sarif-file'])
      assert.match(
        text,
        new RegExp(
          `INPUT_${name.toUpperCase().replace('-', '_')}: \\$\\{\\{ inputs\\.${name} \\}\\}`,
        ),
      );
    const source = readFileSync(join(root, 'src/cli/ciAction.ts'), 'utf8');
    for (const env of ['MODELS', 'FAIL_ON', 'ATLAS', 'SARIF_FILE'])
      assert.ok(source.includes(`input('${env}'`), `the script reads INPUT_${env}`);
  });

  it('finds models through git globs, tracked and untracked, sorted, ignoring others', () => {
    const dir = fixtureRepo();
    try {
      writeFileSync(join(dir, 'ml/new.mltm.yml'), 'mltm: 1\n');
      writeFileSync(join(dir, '.gitignore'), 'ignored/\n');
      mkdirSync(join(dir, 'ignored'));
      writeFileSync(join(dir, 'ignored/x.mltm.yaml'), 'mltm: 1\n');
      assert.deepEqual(findModels('**/*.mltm.yaml\n**/*.mltm.yml', dir), [
        'llm/rag app.mltm.yaml',
        'ml/fraud/extraction.mltm.yaml',
        'ml/new.mltm.yml',
      ]);
      assert.deepEqual(findModels('ml/**/*.mltm.yaml', dir), ['ml/fraud/extraction.mltm.yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('run end to end on a fixture repository: SARIF, summary and outputs', async () => {
    const dir = fixtureRepo();
    try {
      const summaryFile = join(dir, 'summary.md');
      const outputFile = join(dir, 'outputs.txt');
      const result = spawnSync(process.execPath, [actionScript], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          INPUT_MODELS: '**/*.mltm.yaml',
          INPUT_FAIL_ON: 'high',
          INPUT_ATLAS: '',
          INPUT_SARIF_FILE: 'out/mltm.sarif',
          GITHUB_STEP_SUMMARY: summaryFile,
          GITHUB_OUTPUT: outputFile,
        },
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /FAIL ml\/fraud\/extraction\.mltm\.yaml/);
      // Under GitHub the gate's verdict is an output; the Gate step fails the job with it.
      assert.deepEqual(readFileSync(outputFile, 'utf8').split('\n').filter(Boolean), [
        'exit-code=1',
        'sarif-file=out/mltm.sarif',
        'models=2',
      ]);
      const sarif = JSON.parse(readFileSync(join(dir, 'out/mltm.sarif'), 'utf8')) as SarifLog;
      const validate = sarifValidator();
      assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3), null, 2));
      assert.equal(sarif.runs.length, 1, 'one run for code scanning');
      assert.deepEqual(
        multitoolFindings(join(dir, 'out/mltm.sarif')),
        [],
        'the SARIF Multitool accepts the merged log',
      );
      const run = sarif.runs[0] as unknown as SarifRun;
      // Every result of each model's own report is in the merged log, pointing at its rule.
      let expected = 0;
      for (const file of ['ml/fraud/extraction.mltm.yaml', 'llm/rag app.mltm.yaml']) {
        const own = await mltm(['report', file, '--format', 'sarif'], dir);
        expected += (JSON.parse(own.stdout) as { runs: SarifRun[] }).runs[0]?.results.length ?? 0;
      }
      assert.equal(run.results.length, expected);
      const ruleIds = run.tool.driver.rules.map((r) => r.id);
      assert.equal(new Set(ruleIds).size, ruleIds.length, 'rules are merged by id');
      for (const r of run.results)
        if (r.ruleIndex !== undefined) assert.equal(ruleIds[r.ruleIndex], r.ruleId);
      const uris = new Set(
        run.results.flatMap((r) =>
          (r.locations ?? []).map((l) => l.physicalLocation?.artifactLocation?.uri),
        ),
      );
      assert.ok([...uris].some((u) => u?.includes('rag%20app.mltm.yaml')));
      assert.ok([...uris].some((u) => u?.includes('extraction.mltm.yaml')));
      const summary = readFileSync(summaryFile, 'utf8');
      assert.match(summary, /^## mltm threat model check$/m);
      assert.match(
        summary,
        /\*\*Gate failed: open threats or register problems\*\* \(fail on `high`\), 2 models\./,
      );
      assert.match(summary, /\| `ml\/fraud\/extraction\.mltm\.yaml` \| \d+ \| \d+ \|/);
      assert.match(summary, /<summary>mltm check output<\/summary>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with exit 2 and one line when no model matches or the folder is not a repository', async () => {
    const dir = fixtureRepo();
    const bare = mkdtempSync(join(tmpdir(), 'mltm-action-bare-'));
    try {
      const said: string[] = [];
      const none = await runCiAction(
        { models: 'nothing/**/*.mltm.yaml', failOn: 'high', sarifFile: 'x.sarif' },
        dir,
        (t) => said.push(t),
      );
      assert.equal(none.exitCode, 2);
      assert.match(said.join(''), /no model matches `nothing\/\*\*\/\*\.mltm\.yaml`/);
      said.length = 0;
      const notRepo = await runCiAction(
        { models: '**/*.mltm.yaml', failOn: 'high', sarifFile: 'x.sarif' },
        bare,
        (t) => said.push(t),
      );
      assert.equal(notRepo.exitCode, 2);
      assert.match(said.join(''), /could not list the repository's files with git/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('an invalid model fails the gate with exit 2 and is marked invalid in the summary', async () => {
    const dir = fixtureRepo();
    try {
      writeFileSync(join(dir, 'broken.mltm.yaml'), 'mltm: 1\nname: [unclosed\n');
      const summaryFile = join(dir, 'summary.md');
      const said: string[] = [];
      const result = await runCiAction(
        { models: '**/*.mltm.yaml', failOn: 'none', sarifFile: 'mltm.sarif', summaryFile },
        dir,
        (t) => said.push(t),
      );
      assert.equal(result.exitCode, 2);
      assert.match(readFileSync(summaryFile, 'utf8'), /\| \(invalid\) \| `broken\.mltm\.yaml` \|/);
      const sarif = JSON.parse(readFileSync(join(dir, 'mltm.sarif'), 'utf8')) as SarifLog;
      assert.ok(sarifValidator()(sarif));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the summary escapes model names (no table break, no markup from a hostile name)', () => {
    const md = summaryMarkdown(
      [
        {
          file: 'a.mltm.yaml',
          name: 'x | y <script>',
          valid: true,
          open: { info: 0, low: 0, medium: 0, high: 1, critical: 0 },
          decided: 0,
          top: [{ severity: 'high', id: 'r@e', title: '*bold* ```' }],
        },
      ],
      1,
      'high',
      'log with ``` fence',
    );
    assert.ok(!md.includes('x | y'), 'the pipe is escaped');
    assert.ok(!md.includes('<script>'), 'markup is escaped');
    assert.match(
      md,
      /````text\nlog with ``` fence\n````/,
      'the log fence is longer than any run of backticks in it',
    );
  });
});

describe('SARIF merge', () => {
  const log = (
    rules: string[],
    results: [string, number, number][],
    artifacts: string[],
  ): SarifLog => ({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'mltm', rules: rules.map((id) => ({ id })) } },
        artifacts: artifacts.map((uri) => ({ location: { uri } })),
        results: results.map(([ruleId, ruleIndex, index]) => ({
          ruleId,
          ruleIndex,
          locations: [
            { physicalLocation: { artifactLocation: { uri: artifacts[index] ?? '', index } } },
          ],
          relatedLocations: [{ physicalLocation: { artifactLocation: { index } } }],
        })),
      },
    ],
  });

  it('renumbers rule and artifact indices so each still points at its own rule and file', () => {
    const merged = mergeSarifLogs([
      log(['a', 'b'], [['b', 1, 0]], ['one.yaml']),
      log(
        ['c', 'b'],
        [
          ['b', 1, 0],
          ['c', 0, 1],
        ],
        ['two.yaml', 'three.yaml'],
      ),
    ]);
    const run = merged.runs[0] as unknown as {
      tool: { driver: { rules: { id: string }[] } };
      artifacts: { location: { uri: string } }[];
      results: {
        ruleId: string;
        ruleIndex: number;
        locations: { physicalLocation: { artifactLocation: { uri: string; index: number } } }[];
        relatedLocations: { physicalLocation: { artifactLocation: { index: number } } }[];
      }[];
    };
    assert.deepEqual(
      run.tool.driver.rules.map((r) => r.id),
      ['a', 'b', 'c'],
    );
    for (const r of run.results) {
      assert.equal(run.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
      const at = r.locations[0]?.physicalLocation.artifactLocation;
      assert.equal(run.artifacts[at?.index ?? -1]?.location.uri, at?.uri);
      assert.equal(r.relatedLocations[0]?.physicalLocation.artifactLocation.index, at?.index);
    }
    assert.deepEqual(
      run.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri),
      ['one.yaml', 'two.yaml', 'three.yaml'],
    );
  });

  it('no logs give a valid log with no runs', () => {
    assert.deepEqual(mergeSarifLogs([]), { version: '2.1.0', runs: [] });
  });
});
