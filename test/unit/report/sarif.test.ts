import assert from 'node:assert/strict';
import { buildSarif, FINGERPRINT_KEY, renderSarif } from '../../../src/core/report/sarif';
import { assertGolden } from '../../support/golden';
import { exampleFiles, goldenName, HOSTILE, reportInput } from './helpers';

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; startColumn: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string }[];
  properties: Record<string, unknown>;
}
interface Run {
  tool: {
    driver: {
      name: string;
      rules: {
        id: string;
        helpUri?: string;
        shortDescription: { text: string };
        help: { text: string };
      }[];
    };
  };
  results: Result[];
}

const runOf = (file: string) => (buildSarif(reportInput(file)) as { runs: Run[] }).runs[0]!;

describe('report: SARIF 2.1.0', () => {
  for (const file of [
    'examples/02-model-extraction.mltm.yaml',
    'examples/04-backdoored-model.mltm.yaml',
    'examples/11-rag-llm-app.mltm.yaml',
    HOSTILE,
  ]) {
    it(`matches its golden file: ${file}`, () => {
      assertGolden(goldenName(file, 'sarif'), renderSarif(reportInput(file)));
    });
  }

  for (const file of [...exampleFiles(), HOSTILE]) {
    it(`is well-formed for code scanning: ${file}`, () => {
      const input = reportInput(file);
      const log = buildSarif(input) as { version: string; $schema: string; runs: Run[] };
      assert.equal(log.version, '2.1.0');
      const run = log.runs[0]!;
      const ruleIds = run.tool.driver.rules.map((r) => r.id);
      assert.equal(new Set(ruleIds).size, ruleIds.length, 'rule ids are unique');
      for (const rule of run.tool.driver.rules) {
        assert.ok(rule.shortDescription.text.length > 0 && rule.help.text.length > 0);
        if (rule.helpUri) assert.match(rule.helpUri, /^https:\/\//);
      }
      const fingerprints = new Set<string>();
      for (const r of run.results) {
        assert.equal(
          run.tool.driver.rules[r.ruleIndex]?.id,
          r.ruleId,
          'ruleIndex points at the rule',
        );
        assert.ok(['error', 'warning', 'note'].includes(r.level));
        const fp = r.partialFingerprints[FINGERPRINT_KEY];
        assert.ok(fp && !fingerprints.has(fp), `fingerprint ${fp} is present and unique`);
        fingerprints.add(fp);
        const loc = r.locations[0]!.physicalLocation;
        assert.equal(loc.artifactLocation.uri, file);
        assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
      }
      // One result per open threat, one per missing control (element, control) of open threats.
      const open = input.analysis.threats.filter(
        (t) => !t.mitigated && !input.register?.byId.get(t.id),
      );
      const threatResults = run.results.filter(
        (r) => r.ruleId !== 'missing-control' && !r.suppressions,
      );
      assert.equal(threatResults.length, open.length);
      const missing = new Set(
        open.flatMap((t) => t.missingControls.map((c) => `${c}@${t.elementType}:${t.element}`)),
      );
      assert.equal(run.results.filter((r) => r.ruleId === 'missing-control').length, missing.size);
    });
  }

  it('locates a result at the YAML line and column of its element', () => {
    const input = reportInput('examples/02-model-extraction.mltm.yaml');
    const run = runOf('examples/02-model-extraction.mltm.yaml');
    const result = run.results.find(
      (r) => r.partialFingerprints[FINGERPRINT_KEY] === 'external-caller-spoofing@public-recs-call',
    );
    assert.ok(result);
    const line =
      input.text.split('\n')[result.locations[0]!.physicalLocation.region.startLine - 1] ?? '';
    assert.equal(
      line.slice(result.locations[0]!.physicalLocation.region.startColumn - 1),
      'public-recs-call',
    );
  });

  it('carries attack paths as codeFlows on the threat they end at, each step located in the model', () => {
    const input = reportInput('examples/02-model-extraction.mltm.yaml');
    const log = buildSarif(input) as {
      runs: {
        results: {
          partialFingerprints: Record<string, string>;
          codeFlows?: {
            message: { text: string };
            threadFlows: {
              locations: {
                location: {
                  physicalLocation: { region: { startLine: number; startColumn: number } };
                  message: { text: string };
                };
              }[];
            }[];
          }[];
        }[];
      }[];
    };
    const results = log.runs[0]!.results;
    const withFlows = results.filter((r) => (r.codeFlows?.length ?? 0) > 0);
    assert.ok(withFlows.length > 0);
    for (const r of withFlows) assert.ok((r.codeFlows?.length ?? 0) <= 3);
    const flow = withFlows
      .flatMap((r) => r.codeFlows ?? [])
      .find((f) => /partner-storefront → \w+ of recs-endpoint/.test(f.message.text));
    assert.ok(flow, 'the storefront-to-endpoint path is a code flow');
    const steps = flow.threadFlows[0]!.locations;
    const lines = input.text.split('\n');
    const shown = steps.map((s) => {
      const region = s.location.physicalLocation.region;
      return (lines[region.startLine - 1] ?? '').slice(region.startColumn - 1);
    });
    assert.deepEqual(
      shown.map((text) => text.replace(/:$/, '')),
      ['partner-storefront', 'public-recs-call', 'api-gateway', 'gateway-to-recs', 'recs-endpoint'],
    );
    assert.match(steps[3]!.location.message.text, /model-extraction-inference-api@gateway-to-recs/);
  });

  it('emits register decisions as suppressions carrying the justification', () => {
    const run = runOf(HOSTILE);
    const accepted = run.results.find(
      (r) => r.partialFingerprints[FINGERPRINT_KEY] === 'process-exploit-public-facing@subgraph',
    );
    assert.deepEqual(accepted?.suppressions, [
      {
        kind: 'external',
        status: 'accepted',
        justification:
          'accepted: WAF | sandbox <img src=x onerror=alert(3)> `code` end\nline two 😀',
      },
    ]);
    const na = run.results.find(
      (r) => r.partialFingerprints[FINGERPRINT_KEY] === 'process-input-tampering@subgraph',
    );
    assert.match(
      na?.suppressions?.[0]?.justification ?? '',
      /^not applicable: Inputs are fixed enums/,
    );
    assert.ok(
      !run.results.some(
        (r) => r.ruleId === 'missing-control' && r.message.text.includes('`subgraph`'),
      ),
      'decided threats raise no missing-control results',
    );
  });

  it('links rules to their ATLAS technique pages', () => {
    const run = runOf('examples/02-model-extraction.mltm.yaml');
    assert.ok(
      run.tool.driver.rules.some((r) =>
        /^https:\/\/atlas\.mitre\.org\/techniques\/AML\.T\d{4}/.test(r.helpUri ?? ''),
      ),
    );
  });
});
