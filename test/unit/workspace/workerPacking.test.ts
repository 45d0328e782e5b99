/**
 * An analysis through the worker boundary: packed, structured-cloned as `postMessage` does, and
 * rebuilt, it is the analysis the host would have made — graph and facts included — so a large
 * model's report still has its diagram (the editor once lost them above ~120 components and
 * wrote "The model has errors; no diagram").
 */
import assert from 'node:assert/strict';
import { generatePipeline } from '../../../bench/generate';
import { activeRuleSet, analyze } from '../../../src/core/analysis';
import type { PipelineGraph } from '../../../src/core/graph/graph';
import { bundledAtlasCatalogue } from '../../../src/core/kb/atlas';
import type { ModelFacts } from '../../../src/core/rules/facts';
import type { RulePack } from '../../../src/core/rules/types';
import { renderReport } from '../../../src/core/report';
import { ModelWorkspace } from '../../../src/core/workspace/modelWorkspace';
import { loadRegister } from '../../../src/core/register/register';
import { editorDecision } from '../../../src/core/views/problemsPanel';
import { reportInputFor } from '../../../src/core/workspace/report';
import {
  answerAnalysisRequest,
  packAnalysis,
  unpackAnalysis,
} from '../../../src/core/workspace/workerPacking';
import { memoryFileSystem } from './memoryFs';

function graphSummary(graph: PipelineGraph) {
  return {
    nodes: [...graph.nodes].map(([id, n]) => [
      id,
      n.zone.id,
      n.elementClass,
      n.inbound.map((e) => e.flow.id),
      n.outbound.map((e) => e.flow.id),
    ]),
    edges: graph.edges.map((e) => [
      e.flow.id,
      e.source.component.id,
      e.target.component.id,
      e.crossesBoundary,
      e.crossesTrustBoundary,
      e.direction,
      e.exits,
      e.entries,
      e.classification,
      e.carriesPii,
    ]),
    zones: [...graph.zones.keys()],
  };
}

function factsSummary(facts: ModelFacts) {
  return {
    components: [...facts.components].map(([id, { node, ...rest }]) => [
      id,
      node.component.id,
      rest,
    ]),
    flows: facts.flows.map(({ edge, from, to, ...rest }) => [edge.flow.id, from.id, to.id, rest]),
    controlsAnywhere: [...facts.controlsAnywhere].sort(),
  };
}

describe('analysis packing for the worker thread', () => {
  const text = generatePipeline({ components: 1000, seed: 7 }).text;
  const direct = analyze(text);

  it('a 1,000-component analysis survives pack → structured clone → unpack, every field', () => {
    assert.equal(direct.status, 'loaded');
    const response = structuredClone(answerAnalysisRequest({ id: 1, text, customPacks: [] }));
    assert.ok(response.analysis, response.error);
    const hostPacks: RulePack[] = [];
    const rebuilt = unpackAnalysis(response.analysis, hostPacks, bundledAtlasCatalogue());
    assert.equal(rebuilt.status, 'loaded');
    if (rebuilt.status !== 'loaded' || direct.status !== 'loaded') return;
    assert.deepEqual(Object.keys(rebuilt).sort(), Object.keys(direct).sort());
    assert.deepEqual(rebuilt.model, direct.model);
    // The graph and facts are link webs (deepEqual would recurse down the chain): compare what
    // each node, edge and fact says, by id.
    assert.deepEqual(graphSummary(rebuilt.graph), graphSummary(direct.graph));
    assert.deepEqual(factsSummary(rebuilt.facts), factsSummary(direct.facts));
    assert.deepEqual(rebuilt.threats, direct.threats);
    assert.deepEqual(rebuilt.problems, direct.problems);
    assert.equal(
      rebuilt.graph.nodes.size,
      direct.model.components.length,
      'the graph has every node',
    );
    // The host's own rule set and catalogue are re-attached, not copies.
    assert.equal(rebuilt.ruleSet, activeRuleSet(hostPacks, bundledAtlasCatalogue()));
    assert.equal(rebuilt.atlas, bundledAtlasCatalogue());
  });

  it('leaves behind only what the host has (rule set, catalogue) or rebuilds (graph, facts)', () => {
    const packed = packAnalysis(direct) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(direct)
        .filter((k) => !(k in packed))
        .sort(),
      ['atlas', 'facts', 'graph', 'ruleProblems', 'ruleSet'],
    );
    // Structured clone refuses functions and overflows on long link chains: the packed form
    // has neither.
    assert.doesNotThrow(() => structuredClone(packed));
  });

  it('the graph itself could not cross: its link chain overflows the structured clone', () => {
    if (direct.status !== 'loaded') return assert.fail('the model loads');
    assert.throws(() => structuredClone(direct.graph), RangeError);
  });

  it("the editor's decision made in the worker, over the register text, is the host's", () => {
    const small = generatePipeline({ components: 50, seed: 7 }).text;
    const analysis = analyze(small);
    if (analysis.status !== 'loaded') return assert.fail('the model loads');
    const onHost = editorDecision(analysis, undefined);
    const accepted = onHost.plan.steps[0]?.closes[0];
    assert.ok(accepted, 'the plan closes something');
    const registerText = [
      'mltm-register: 1',
      'model: generated.mltm.yaml',
      'threats:',
      `  ${accepted}:`,
      '    status: accepted',
      '    justification: Covered elsewhere.',
      '',
    ].join('\n');
    const register = loadRegister(registerText).register;
    const withRegister = editorDecision(analysis, register);
    assert.ok(!withRegister.open.has(accepted), 'the accepted threat is not open');
    const response = structuredClone(
      answerAnalysisRequest({ id: 3, text: small, customPacks: [], decide: { registerText } }),
    );
    assert.deepEqual(response.decision, withRegister);
    const none = structuredClone(
      answerAnalysisRequest({ id: 4, text: small, customPacks: [], decide: {} }),
    );
    assert.deepEqual(none.decision, onHost);
    const notAsked = answerAnalysisRequest({ id: 5, text: small, customPacks: [] });
    assert.equal(notAsked.decision, undefined);
  });

  it('a failed analysis crosses as failed, with its problems', () => {
    const response = structuredClone(
      answerAnalysisRequest({ id: 2, text: 'mltm: 1\ncomponents: [', customPacks: [] }),
    );
    assert.ok(response.analysis);
    const rebuilt = unpackAnalysis(response.analysis, [], bundledAtlasCatalogue());
    assert.equal(rebuilt.status, 'failed');
    assert.ok(rebuilt.problems.some((p) => p.severity === 'error'));
  });

  it('the report of the rebuilt analysis draws all 1,000 components', async () => {
    const workspace = new ModelWorkspace({
      fs: memoryFileSystem('/repo', { 'big.mltm.yaml': text, '.git/': '' }),
    });
    const gathered = await workspace.gather('/repo/big.mltm.yaml', { today: '2026-01-01' });
    assert.ok(gathered.inputs);
    const packed = structuredClone(
      answerAnalysisRequest({ id: 3, text, customPacks: gathered.inputs.packs.packs }),
    );
    assert.ok(packed.analysis);
    const session = workspace.complete(
      gathered.inputs,
      unpackAnalysis(packed.analysis, gathered.inputs.packs.packs, bundledAtlasCatalogue()),
      '2026-01-01',
    );
    const made = reportInputFor(session, {
      display: (p) => p.slice('/repo/'.length),
      generatedAt: '2026-01-01T00:00:00Z',
      toolVersion: '0.0.0-test',
    });
    assert.ok(made.input, made.refusal?.reason);
    const html = renderReport('html', made.input);
    assert.doesNotMatch(html, /no diagram/);
    const diagram = renderReport('mermaid', made.input);
    assert.match(diagram, /^flowchart/);
    assert.ok(html.includes('id="diagram-source"'), 'the HTML report carries the diagram');
    if (direct.status !== 'loaded') return;
    for (const component of direct.model.components)
      assert.ok(diagram.includes(component.id) || diagram.includes(component.name), component.id);
  });
});
