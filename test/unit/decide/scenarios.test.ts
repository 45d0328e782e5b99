/**
 * `mltm plan` on the examples, read against ../shared/SCENARIOS.md: the fixes each scenario
 * names appear early in the plan, and attack paths run from the scenario's entry to its crown
 * jewel. Through the real CLI (JSON contract), so it asserts what a user sees.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { PlanJson } from '../../../src/core/decide/contract';
import { mltm } from '../cli/run';

async function plan(example: string, top = 10): Promise<PlanJson> {
  const run = await mltm([
    'plan',
    `examples/${example}.mltm.yaml`,
    '--format',
    'json',
    '--top',
    String(top),
  ]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as PlanJson;
}

const rankOf = (json: PlanJson, control: string, element?: string) =>
  json.steps.find((s) => s.control === control && (element === undefined || s.element === element))
    ?.rank;

const hasPath = (json: PlanJson, entry: string, target: string) =>
  json.paths.some((p) => p.entry === entry && p.target === target);

describe('mltm plan on the scenario examples', () => {
  it('every example gets a plan whose steps each remove risk, and the totals add up', async () => {
    const examples = readdirSync('examples').filter((f) => f.endsWith('.mltm.yaml'));
    assert.ok(examples.length >= 11);
    for (const file of examples) {
      const json = await plan(file.replace('.mltm.yaml', ''));
      assert.equal(json.format, 'mltm-plan/1');
      assert.ok(json.steps.length > 0, `${file}: no plan`);
      const removed = json.steps.reduce((sum, s) => sum + s.riskReduced, 0);
      assert.equal(json.totalRisk - removed, json.residualRisk, file);
      for (const s of json.steps) assert.ok(s.riskReduced > 0, `${file} step ${s.rank}`);
    }
  });

  it('model extraction (#2): per-client authentication at the gateway first, rate limiting there in the plan; paths from the partner storefront to the endpoint', async () => {
    const json = await plan('02-model-extraction');
    assert.deepEqual([json.steps[0]?.control, json.steps[0]?.element], ['authn', 'api-gateway']);
    const rate = rankOf(json, 'rate_limiting', 'api-gateway');
    assert.ok(rate !== undefined && rate <= 6, `rate_limiting at rank ${rate}`);
    assert.ok(hasPath(json, 'partner-storefront', 'recs-endpoint'));
    const path = json.paths.find(
      (p) => p.entry === 'partner-storefront' && p.target === 'recs-endpoint',
    );
    assert.deepEqual(
      path?.steps.map((s) => s.element),
      ['partner-storefront', 'public-recs-call', 'api-gateway', 'gateway-to-recs', 'recs-endpoint'],
    );
    // Extraction through the inference API is a threat of the flow into the endpoint.
    assert.ok(path?.steps[3]?.threats.includes('model-extraction-inference-api@gateway-to-recs'));
    assert.ok(path?.steps[3]?.atlas.includes('AML.T0024'));
  });

  it('backdoored model (#4): scanning first and signature verification in the first three steps; a backdoored model moves from the hub to the registry, and scanning cuts it', async () => {
    const json = await plan('04-backdoored-model');
    const signing = rankOf(json, 'model_signing', 'model-registry');
    const scanning = rankOf(json, 'model_scanning', 'finetune-job');
    // Measured: scanning 1 (it ends every content path from the hub), signing 3; step 2 is output
    // obfuscation on the scorer, an extraction fix the scenario does not name.
    assert.equal(scanning, 1);
    assert.ok(signing !== undefined && signing <= 3, `model_signing at rank ${signing}`);
    assert.ok(hasPath(json, 'hf-hub', 'model-registry'));
    // The fine-tuning job checks the provenance of its training data, which says nothing about
    // the checkpoint: the hub model is content that reaches the registry unscanned.
    const backdoor = json.paths.filter(
      (p) => p.kind === 'content' && p.entry === 'hf-hub' && p.target === 'model-registry',
    );
    assert.deepEqual(backdoor.map((p) => p.goal).sort(), ['confidentiality', 'integrity']);
    const scan = json.steps.find((s) => s.rank === scanning);
    for (const p of backdoor) assert.ok(scan?.breaksPaths.includes(p.id), p.id);
  });

  it('RAG app (#11): tool allowlisting and guardrails on the agent in the first three steps, the guardrails cutting what fetched pages and the LLM provider send on to the tools', async () => {
    const json = await plan('11-rag-llm-app');
    const allowlist = rankOf(json, 'tool_allowlist', 'agent');
    assert.ok(allowlist !== undefined && allowlist <= 2, `tool_allowlist at rank ${allowlist}`);
    const guardrails = rankOf(json, 'llm_guardrails', 'agent');
    assert.ok(guardrails !== undefined && guardrails <= 3, `llm_guardrails at rank ${guardrails}`);
    // The tool results reach the agent as `x-tool-io`: its guardrails clean them, so content
    // from the web or the provider no longer moves on to the mail, Jira and SQL tools.
    const cut = new Set(json.steps.find((s) => s.rank === guardrails)?.breaksPaths);
    const onward = json.paths.filter(
      (p) => p.kind === 'content' && ['email-tool', 'jira-tool', 'sql-tool'].includes(p.target),
    );
    assert.ok(onward.length > 0);
    for (const p of onward) assert.ok(cut.has(p.id), `${p.id} to ${p.target} not cut`);
    assert.ok(hasPath(json, 'public-web', 'web-fetch-tool'));
    assert.ok(hasPath(json, 'support-tickets-feed', 'email-tool'));
  });

  it('coding assistant with MCP tools (#12): tool allowlisting first, guardrails in the plan; fetched web pages reach the fetch server', async () => {
    const json = await plan('12-agent-mcp-tools');
    assert.deepEqual(
      [json.steps[0]?.control, json.steps[0]?.element],
      ['tool_allowlist', 'assistant'],
    );
    const guardrails = rankOf(json, 'llm_guardrails', 'assistant');
    assert.ok(guardrails !== undefined && guardrails <= 8, `llm_guardrails at rank ${guardrails}`);
    // MCP servers are tools the agent acts through: crown jewels by default (integrity).
    assert.ok(
      json.paths.some(
        (p) => p.kind === 'content' && p.entry === 'public-web' && p.target === 'fetch-server',
      ),
    );
    assert.ok(hasPath(json, 'model-provider', 'fetch-server'));
  });
});
