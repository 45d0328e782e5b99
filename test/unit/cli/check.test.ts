import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportDate } from '../../../src/cli/commands/report';
import { runCli } from '../../../src/cli/main';

const ROOT = process.cwd();

async function run(
  args: string[],
  cwd = ROOT,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd,
    today: '2026-01-01',
  });
  return { code, out, err };
}

describe('cli: mltm check (the CI gate)', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'mltm-check-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('exits 0 when no open threat reaches the severity', async () => {
    const r = await run([
      'check',
      'examples/07-zero-trust-fraud.mltm.yaml',
      '--fail-on',
      'critical',
    ]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(
      r.out,
      /^PASS examples\/07-zero-trust-fraud\.mltm\.yaml: 0 open threats at or above critical; 0 register problems\.$/m,
    );
    assert.match(r.out, /mltm check: 1 model checked, 0 failing \(--fail-on critical\)\.\n$/);
  });

  it('exits 1 on open threats at or above the severity, listing them with their location', async () => {
    // 29 = 27 security threats + 2 privacy threats raised to high by personal data (public exposure).
    const r = await run(['check', 'examples/02-model-extraction.mltm.yaml', '--fail-on', 'high']);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /^FAIL examples\/02-model-extraction\.mltm\.yaml: 28 open threats at or above high \(9 critical, 19 high\); 0 register problems\.$/m,
    );
    assert.match(
      r.out,
      /^ {2}CRITICAL external-caller-spoofing@public-recs-call {2}External caller impersonated {2}examples\/02-model-extraction\.mltm\.yaml:189:9 {2}missing: authn, mtls$/m,
    );
  });

  it('exits 1 on an expired acceptance even when no threat reaches the severity', async () => {
    const r = await run(['check', 'test/fixtures/reports/hostile.mltm.yaml', '--fail-on', 'none']);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /^FAIL test\/fixtures\/reports\/hostile\.mltm\.yaml: 20 open threats; 1 register problem\.$/m,
    );
    assert.match(
      r.out,
      /hostile\.threats\.yaml:18:16: warning MLTM302 The accepted decision on `process-repudiation@click` expired on 2020-01-01/,
    );
  });

  it('counts a register decision: an accepted threat no longer fails the gate', async () => {
    copyFileSync(
      join(ROOT, 'examples/06-unauthenticated-resnet.mltm.yaml'),
      join(folder, 'm.mltm.yaml'),
    );
    const before = await run(['check', join(folder, 'm.mltm.yaml'), '--fail-on', 'critical']);
    assert.equal(before.code, 1);
    const ids = [...before.out.matchAll(/^ {2}CRITICAL (\S+)/gm)].map((m) => m[1]);
    const entries = ids
      .map(
        (id) =>
          `  ${id}:\n    status: accepted\n    owner: sec\n    justification: Behind the VPN until Q3.\n    review_by: 2026-06-30\n`,
      )
      .join('');
    writeFileSync(
      join(folder, 'm.threats.yaml'),
      `mltm-register: 1\nmodel: m.mltm.yaml\nthreats:\n${entries}`,
    );
    const after = await run(['check', join(folder, 'm.mltm.yaml'), '--fail-on', 'critical']);
    assert.equal(after.code, 0, after.out + after.err);
  });

  it('exits 2 on a file that cannot be read', async () => {
    const r = await run(['check', join(folder, 'missing.mltm.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /missing\.mltm\.yaml:1:1: error MLTM007 Cannot read .*no such file/);
  });

  it('exits 2 on a model with errors, even when other models fail the gate', async () => {
    writeFileSync(
      join(folder, 'bad.mltm.yaml'),
      'mltm: 1\nname: x\ncomponents:\n  a: { kind: nonsense }\n',
    );
    const r = await run([
      'check',
      join(folder, 'bad.mltm.yaml'),
      'examples/02-model-extraction.mltm.yaml',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.mltm\.yaml:4:\d+: error MLTM104/);
    assert.match(r.out, /1 model checked, 1 failing, 1 invalid/);
  });

  it('exits 2 on a register that does not parse', async () => {
    copyFileSync(join(ROOT, 'examples/04-backdoored-model.mltm.yaml'), join(folder, 'm.mltm.yaml'));
    writeFileSync(join(folder, 'm.threats.yaml'), 'mltm-register: 1\nthreats:\n  a@b: [unclosed\n');
    const r = await run(['check', join(folder, 'm.mltm.yaml'), '--fail-on', 'critical']);
    assert.equal(r.code, 2);
    assert.match(r.err, /m\.threats\.yaml:\d+:\d+: error MLTM001/);
  });

  it('--fail-on includes or excludes privacy threats by category', async () => {
    const file = 'examples/11-rag-llm-app.mltm.yaml';
    const all = await run(['check', file, '--fail-on', 'none,privacy=low', '--max-listed', '500']);
    assert.equal(all.code, 1);
    const listed = all.out.split('\n').filter((l) => /^ {2}[A-Z]+ +\S+@/.test(l));
    assert.ok(listed.length > 0);
    // Only privacy rules' threats are listed (their ids are the privacy pack's).
    assert.ok(
      listed.every((l) =>
        /(personal-data|training-without|trained-model|generative-model|reidentification|sensitive-attribute)/.test(
          l,
        ),
      ),
      listed.join('\n'),
    );
    assert.match(all.out, /\(--fail-on none,privacy=low\)\.\n$/);
    const without = await run([
      'check',
      file,
      '--fail-on',
      'info,privacy=none',
      '--max-listed',
      '500',
    ]);
    assert.ok(!/personal-data-to-llm-provider/.test(without.out), 'privacy excluded');
    assert.match(without.out, /at or above security info, privacy none/);
  });

  it('exits 2 on a bad option or no model', async () => {
    assert.equal(
      (await run(['check', 'examples/04-backdoored-model.mltm.yaml', '--fail-on', 'severe'])).code,
      2,
    );
    assert.match(
      (await run(['check', 'examples/04-backdoored-model.mltm.yaml', '--fail-on', 'severe'])).err,
      /unknown --fail-on `severe`; use info, low, medium, high, critical, none/,
    );
    assert.equal(
      (await run(['check', 'examples/04-backdoored-model.mltm.yaml', '--no-such-option'])).code,
      2,
    );
    assert.equal((await run(['check'])).code, 2);
    assert.equal(
      (await run(['check', 'examples/04-backdoored-model.mltm.yaml', '--max-listed', '-1'])).code,
      2,
    );
  });
});

describe('cli: mltm report', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'mltm-report-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('writes each format to standard output, with the injected date', async () => {
    for (const format of ['md', 'sarif', 'json', 'mermaid']) {
      const r = await run([
        'report',
        'examples/04-backdoored-model.mltm.yaml',
        '--format',
        format,
        '--date',
        '2026-01-01',
      ]);
      assert.equal(r.code, 0, r.err);
      if (format === 'md') assert.match(r.out, /\| Generated \| 2026-01-01T00:00:00Z by mltm /);
      if (format === 'sarif') assert.equal(JSON.parse(r.out).version, '2.1.0');
      if (format === 'mermaid') assert.match(r.out, /^flowchart LR\n/);
    }
  });

  it('JSON is the analysis contract plus the register state and the risk of each threat', async () => {
    const r = await run([
      'report',
      'test/fixtures/reports/hostile.mltm.yaml',
      '--format',
      'json',
      '--date',
      '2026-01-01',
    ]);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    const contract = JSON.parse(
      (await run(['analyze', 'test/fixtures/reports/hostile.mltm.yaml', '--format', 'json'])).out,
    );
    assert.deepEqual(
      {
        ...json,
        report: undefined,
        threats: json.threats.map((t: Record<string, unknown>) => ({
          ...t,
          register: undefined,
          risk: undefined,
        })),
      },
      {
        ...contract,
        report: undefined,
        threats: contract.threats.map((t: Record<string, unknown>) => ({
          ...t,
          register: undefined,
          risk: undefined,
        })),
      },
    );
    const accepted = json.threats.find(
      (t: { id: string }) => t.id === 'process-exploit-public-facing@subgraph',
    );
    assert.equal(accepted.register.status, 'accepted');
    assert.equal(accepted.register.owner, "<script>alert('owner')</script>");
    // An accepted threat keeps its risk: the register decides it, the score is the model's.
    assert.equal(accepted.risk.score, accepted.risk.likelihood * accepted.risk.impact * 4);
    assert.ok(accepted.risk.factors.length > 0);
    assert.equal(json.report.register.problems[0].code, 'MLTM302');
  });

  it('writes the HTML report to a file with the Mermaid library inlined', async () => {
    const out = join(folder, 'r.html');
    const r = await run([
      'report',
      'examples/04-backdoored-model.mltm.yaml',
      '--format',
      'html',
      '--output',
      out,
      '--date',
      '2026-01-01',
    ]);
    assert.equal(r.code, 0, r.err);
    const html = readFileSync(out, 'utf8');
    assert.ok(html.length > 1_000_000, 'the library is inlined');
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
    );
  });

  it('takes the date from --date, else SOURCE_DATE_EPOCH, so reports are reproducible', () => {
    assert.deepEqual(reportDate('2026-03-04'), { date: '2026-03-04T00:00:00Z' });
    assert.deepEqual(reportDate('2026-03-04T05:06:07Z'), { date: '2026-03-04T05:06:07Z' });
    assert.ok('error' in reportDate('2026-02-30x'));
    assert.deepEqual(reportDate(undefined, { SOURCE_DATE_EPOCH: '1767225600' }), {
      date: '2026-01-01T00:00:00Z',
    });
  });

  it('exits 2 on a bad format, a bad date, a model with errors', async () => {
    assert.equal(
      (await run(['report', 'examples/04-backdoored-model.mltm.yaml', '--format', 'pdf'])).code,
      2,
    );
    assert.equal(
      (await run(['report', 'examples/04-backdoored-model.mltm.yaml', '--date', 'yesterday'])).code,
      2,
    );
    writeFileSync(
      join(folder, 'bad.mltm.yaml'),
      'mltm: 1\nname: x\ncomponents:\n  a: { kind: nonsense }\n',
    );
    const r = await run(['report', join(folder, 'bad.mltm.yaml')]);
    assert.equal(r.code, 2);
    assert.equal(r.out, '', 'no partial report');
  });

  it('--base marks what the change added and lists what it removed', async () => {
    const git = (...args: string[]) =>
      execFileSync(
        'git',
        ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args],
        { cwd: folder, stdio: 'pipe' },
      );
    git('init', '-q');
    const model = join(folder, 'm.mltm.yaml');
    writeFileSync(
      model,
      'mltm: 1\nname: m\ncomponents:\n  client: { kind: external_client }\n  api: { kind: serving_endpoint }\n  old: { kind: data_store }\nflows:\n  - { from: client, to: api }\n  - { from: api, to: old }\n',
    );
    git('add', '.');
    git('commit', '-qm', 'base');
    writeFileSync(
      model,
      'mltm: 1\nname: m\ncomponents:\n  client: { kind: external_client }\n  api: { kind: serving_endpoint }\n  vectors: { kind: vector_db }\nflows:\n  - { from: client, to: api }\n  - { from: api, to: vectors }\n',
    );
    const r = await run(['report', model, '--base', 'HEAD', '--date', '2026-01-01'], folder);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /## Changes since HEAD/);
    assert.match(r.out, /^- added: .*@vectors\)/m);
    assert.match(r.out, /^- removed: .*@old\)/m);
    assert.match(r.out, /\*new\* /);
    const bad = await run(['report', model, '--base', 'no-such-rev'], folder);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown git revision `no-such-rev`/);
  });
});
