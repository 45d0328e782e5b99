/**
 * A risk in words (core/decide/explain): the sentence every surface shows says the same numbers
 * as the score, names every factor, and the single-threat explainer the editor's hover uses gives
 * exactly the risk the decision ranked by. The JSON and SARIF reports carry the same risk.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../../src/core/analysis';
import { decide, decisionInputOf } from '../../../src/core/decide/index';
import { riskExplained, threatRisk } from '../../../src/core/decide/explain';
import { buildReportJson } from '../../../src/core/report/json';
import { buildSarif } from '../../../src/core/report/sarif';
import { loaded } from '../../support/analysis';
import { exampleFiles, reportInput } from '../report/helpers';

describe('risk in words', () => {
  it('on every threat of the examples, the words give the score’s likelihood and impact, every factor, and multiply out to the score', () => {
    let checked = 0;
    for (const file of exampleFiles()) {
      const analysis = loaded(analyze(readFileSync(file, 'utf8')));
      const decision = decide(decisionInputOf(analysis, undefined));
      for (const threat of analysis.threats) {
        const risk = decision.risks.get(threat.id);
        assert.ok(risk, `${file} ${threat.id}`);
        const words = riskExplained(risk);
        const match = /^likelihood (\d) \(from 1: (.*)\) × impact (\d) \(from 1: (.*)\) × 4$/.exec(
          words,
        );
        assert.ok(match, `${file} ${threat.id}: ${words}`);
        assert.equal(Number(match[1]), risk.likelihood);
        assert.equal(Number(match[3]), risk.impact);
        assert.equal(Number(match[1]) * Number(match[3]) * 4, risk.score);
        for (const f of risk.factors) {
          const side = f.effect.startsWith('likelihood') ? match[2] : match[4];
          assert.ok(
            side?.includes(`${f.factor} ${f.effect.split(' ')[1]}, ${f.why.replace(/`/g, '')}`),
            `${file} ${threat.id}: ${f.factor} missing from ${words}`,
          );
        }
        checked++;
      }
    }
    assert.ok(checked > 1000, `${checked} threats`);
  });

  it('says when the 1–5 scale capped a sum (extraction of #2 would be 6 without it)', () => {
    const analysis = loaded(
      analyze(readFileSync('examples/02-model-extraction.mltm.yaml', 'utf8')),
    );
    const decision = decide(decisionInputOf(analysis, undefined));
    const risk = decision.risks.get(
      'untrusted-training-data-contribution@shopper->clickstream-ingest',
    );
    assert.ok(risk);
    assert.match(riskExplained(risk), /; 6, capped at 5\) × impact 5/);
  });

  it('the explainer of one threat (the hover’s) gives the decision’s own risk, factor for factor', () => {
    for (const file of exampleFiles()) {
      const analysis = loaded(analyze(readFileSync(file, 'utf8')));
      const decision = decide(decisionInputOf(analysis, undefined));
      for (const threat of analysis.threats) {
        const alone = threatRisk(analysis.facts, analysis.atlas, threat);
        const ranked = decision.risks.get(threat.id);
        assert.ok(ranked);
        assert.equal(alone.score, ranked.score, `${file} ${threat.id}`);
        assert.deepEqual(alone.factors, ranked.factors, `${file} ${threat.id}`);
      }
    }
  });

  it('the JSON report gives every threat its risk with factors, and SARIF ranks each result by it', () => {
    const input = reportInput('examples/02-model-extraction.mltm.yaml');
    const decision = decide(decisionInputOf(input.analysis, input.register));
    const json = buildReportJson(input);
    assert.equal(json.threats.length, input.analysis.threats.length);
    for (const t of json.threats) {
      const risk = decision.risks.get(t.id);
      assert.ok(risk && t.risk, t.id);
      assert.equal(t.risk.score, risk.score);
      assert.deepEqual(t.risk.factors, risk.factors);
    }
    const sarif = buildSarif(input) as {
      runs: { results: { rank?: number; properties: { threatId?: string } }[] }[];
    };
    const results = sarif.runs[0]?.results.filter((r) => r.properties.threatId) ?? [];
    assert.ok(results.length > 10);
    for (const r of results)
      assert.equal(r.rank, decision.risks.get(r.properties.threatId as string)?.score);
  });
});
