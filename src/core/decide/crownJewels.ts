/**
 * Crown jewels: the components an attacker is ultimately after, each with the goals that matter
 * there (confidentiality, integrity, availability). Declared with `crown_jewel:` on a component
 * or on a data item (every component holding that data inherits its goals); when nothing in the
 * model declares one, defaults by kind and data apply (docs/risk.md lists them). Attack paths end
 * at crown jewels and risk weighs threats that attack a jewel's goal.
 */
import type { PipelineGraph } from '../graph/graph';
import type { Component, DataItem } from '../model/types';
import { CROWN_JEWEL_GOALS, DATA_STORE_KINDS, type CrownJewelGoal } from '../model/vocabulary';
import type { SourceRange } from '../problems';

export interface CrownJewel {
  /** Component id. */
  readonly element: string;
  /** In the schema's order: confidentiality, integrity, availability. */
  readonly goals: readonly CrownJewelGoal[];
  /** `declared` in the model, or a `default` by kind and data. */
  readonly source: 'declared' | 'default';
  /** Why it is a crown jewel, in words. */
  readonly why: string;
  readonly range: SourceRange;
}

const sortGoals = (goals: Iterable<CrownJewelGoal>): CrownJewelGoal[] => {
  const set = new Set(goals);
  return CROWN_JEWEL_GOALS.filter((g) => set.has(g));
};

/** The model declares at least one crown jewel (then defaults do not apply). */
export function declaresCrownJewels(graph: PipelineGraph): boolean {
  return (
    graph.model.components.some((c) => c.crownJewel.length > 0) ||
    graph.model.data.some((d) => d.crownJewel.length > 0)
  );
}

function heldData(component: Component, graph: PipelineGraph): DataItem[] {
  return component.data
    .map((id) => graph.dataById.get(id))
    .filter((d): d is DataItem => d !== undefined);
}

/** The default goals of a component by its kind and the data it holds, with the reason. */
function defaultGoals(
  component: Component,
  graph: PipelineGraph,
): { goals: CrownJewelGoal[]; why: string[] } {
  const goals: CrownJewelGoal[] = [];
  const why: string[] = [];
  const data = heldData(component, graph);
  const holds = (kind: string) => data.some((d) => d.kind === kind);
  if (component.kind === 'model_registry') {
    goals.push('integrity', 'confidentiality');
    why.push('a model registry holds the weights production loads');
  } else if (component.kind === 'artifact_store' && holds('model')) {
    goals.push('integrity', 'confidentiality');
    why.push('holds model weights');
  }
  if (component.kind === 'serving_endpoint') {
    goals.push('availability', 'confidentiality');
    why.push(
      'a serving endpoint: its outage is an outage, its answers can be used to copy the model',
    );
  }
  const personalTraining = data.filter(
    (d) => (d.kind === 'training_data' || d.kind === 'features') && d.pii,
  );
  if (personalTraining.length > 0) {
    goals.push('confidentiality', 'integrity');
    why.push(
      `holds ${personalTraining.map((d) => d.kind?.replace('_', ' ')).join(' and ')} with personal data`,
    );
  }
  const sensitiveStored = DATA_STORE_KINDS.has(component.kind)
    ? data.filter((d) => d.classification === 'restricted' || d.pii)
    : [];
  if (personalTraining.length === 0 && sensitiveStored.length > 0) {
    goals.push('confidentiality');
    why.push(`stores ${sensitiveStored.some((d) => d.pii) ? 'personal' : 'restricted'} data`);
  }
  if (component.kind === 'tool') {
    goals.push('integrity');
    why.push('a tool acts on the world for the agent (sends, writes, pays)');
  }
  if (component.kind === 'mcp_server') {
    // The tools an agent reaches over MCP act on the world as a `tool` does.
    goals.push('integrity');
    why.push('an MCP server acts on the world for the agent (files, mail, code, messages)');
  }
  if (holds('credentials')) {
    goals.push('confidentiality');
    why.push('holds credentials');
  }
  return { goals, why };
}

/**
 * The crown jewels of a model, sorted by component id. Declared ones when the model declares
 * any (on components, or on data items their holders inherit); otherwise the defaults.
 */
export function crownJewels(graph: PipelineGraph): CrownJewel[] {
  const declared = declaresCrownJewels(graph);
  const jewels: CrownJewel[] = [];
  for (const node of graph.nodes.values()) {
    const component = node.component;
    if (node.elementClass === 'external_entity') continue;
    if (declared) {
      const fromData = heldData(component, graph).filter((d) => d.crownJewel.length > 0);
      const goals = sortGoals([...component.crownJewel, ...fromData.flatMap((d) => d.crownJewel)]);
      if (goals.length === 0) continue;
      const reasons = [
        ...(component.crownJewel.length > 0 ? ['declared `crown_jewel:`'] : []),
        ...fromData.map((d) => `holds crown-jewel data \`${d.id}\``),
      ];
      jewels.push({
        element: component.id,
        goals,
        source: 'declared',
        why: reasons.join('; '),
        range: component.idRange,
      });
    } else {
      const found = defaultGoals(component, graph);
      if (found.goals.length === 0) continue;
      jewels.push({
        element: component.id,
        goals: sortGoals(found.goals),
        source: 'default',
        why: found.why.join('; '),
        range: component.idRange,
      });
    }
  }
  return jewels.sort((a, b) => (a.element < b.element ? -1 : a.element > b.element ? 1 : 0));
}
