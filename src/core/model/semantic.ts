/**
 * Semantic layer of validation: what a schema cannot see — references between elements,
 * boundary nesting cycles, duplicate and clashing ids, self-loops, unconnected components,
 * controls declared where they cannot act.
 */
import { problem, type Problem, type SourceRange } from '../problems';
import { didYouMean } from '../util/suggest';
import type { PipelineModel } from './types';
import { MAX_BOUNDARY_DEPTH, resolveNesting } from './nesting';
import { EXTERNAL_KINDS } from './vocabulary';

/** Members of a boundary cycle named in its message; longer cycles are counted. */
const CYCLE_MEMBERS_SHOWN = 12;

function fieldRange(model: PipelineModel, path: string, fallback: SourceRange): SourceRange {
  return model.sourceMap.get(path)?.value ?? fallback;
}

/**
 * Edit-distance comparisons the did-you-mean hints of one check may spend. Each hint compares
 * the word with every candidate, so a hostile file with tens of thousands of unknown references
 * to tens of thousands of ids would be quadratic; past the budget, problems come without a hint.
 */
const SUGGESTION_BUDGET = 2_000_000;

function suggester() {
  let budget = SUGGESTION_BUDGET;
  return (word: string, candidates: ReadonlySet<string>, range: SourceRange) => {
    budget -= candidates.size;
    const best = budget >= 0 ? didYouMean(word, candidates) : undefined;
    return best
      ? {
          text: `; did you mean \`${best}\`?`,
          extra: { fix: { range, replacement: best, title: `Change to \`${best}\`` } },
        }
      : { text: '.', extra: {} };
  };
}

/** Returns every semantic problem of a model (which may have schema problems too). */
export function checkSemantics(model: PipelineModel): Problem[] {
  const problems: Problem[] = [];
  const suggestion = suggester();
  const componentIds = new Set(model.components.map((c) => c.id));
  const boundaryIds = new Set(model.boundaries.map((b) => b.id));
  const dataIds = new Set(model.data.map((d) => d.id));
  const usedBoundaries = new Set<string>();
  const usedData = new Set<string>();

  // Boundary parents and cycles.
  const boundaryById = new Map(model.boundaries.map((b) => [b.id, b]));
  for (const boundary of model.boundaries) {
    if (boundary.parent === undefined) continue;
    usedBoundaries.add(boundary.parent);
    const range = fieldRange(model, `${boundary.pointer}/parent`, boundary.idRange);
    if (!boundaryIds.has(boundary.parent)) {
      const hint = suggestion(boundary.parent, boundaryIds, range);
      problems.push(
        problem(
          'MLTM202',
          `Boundary \`${boundary.id}\` has parent \`${boundary.parent}\`, which is not a boundary${hint.text}`,
          range,
          hint.extra,
        ),
      );
    }
  }
  const nesting = resolveNesting(model.boundaries);
  for (const cycle of nesting.cycles) {
    const [first, ...others] = cycle
      .map((id) => boundaryById.get(id))
      .filter((b) => b !== undefined);
    if (!first) continue;
    // A hostile cycle can have thousands of members: name a few, count the rest.
    const shown = cycle.length > CYCLE_MEMBERS_SHOWN ? cycle.slice(0, CYCLE_MEMBERS_SHOWN) : cycle;
    const more = cycle.length > shown.length ? ` → … ${cycle.length - shown.length} more` : '';
    problems.push(
      problem(
        'MLTM204',
        `Boundaries nest in a cycle: ${shown.map((id) => `\`${id}\``).join(' → ')}${more} → \`${cycle[0]}\`. A boundary cannot contain itself.`,
        fieldRange(model, `${first.pointer}/parent`, first.idRange),
        {
          related: others.slice(0, CYCLE_MEMBERS_SHOWN - 1).map((b) => ({
            message: `\`${b.id}\` is part of the cycle`,
            range: fieldRange(model, `${b.pointer}/parent`, b.idRange),
          })),
        },
      ),
    );
  }
  for (const id of nesting.tooDeep) {
    const boundary = boundaryById.get(id);
    if (!boundary) continue;
    problems.push(
      problem(
        'MLTM213',
        `Boundary \`${id}\` is nested more than ${MAX_BOUNDARY_DEPTH} boundaries deep (its parent \`${boundary.parent ?? ''}\` is at the limit); mltm follows nesting to ${MAX_BOUNDARY_DEPTH} levels, so it and the boundaries inside it are treated as outermost. Flatten the nesting.`,
        fieldRange(model, `${boundary.pointer}/parent`, boundary.idRange),
      ),
    );
  }

  // Components: boundary and data references, controls on external entities.
  for (const component of model.components) {
    if (component.boundary !== undefined) {
      usedBoundaries.add(component.boundary);
      if (!boundaryIds.has(component.boundary)) {
        const range = fieldRange(model, `${component.pointer}/boundary`, component.idRange);
        const hint = suggestion(component.boundary, boundaryIds, range);
        problems.push(
          problem(
            'MLTM202',
            `Component \`${component.id}\` is in boundary \`${component.boundary}\`, which is not defined under \`boundaries\`${hint.text}`,
            range,
            hint.extra,
          ),
        );
      }
    }
    component.data.forEach((id, index) => {
      usedData.add(id);
      if (dataIds.has(id)) return;
      const range = fieldRange(model, `${component.pointer}/data/${index}`, component.idRange);
      const hint = suggestion(id, dataIds, range);
      problems.push(
        problem(
          'MLTM203',
          `Component \`${component.id}\` refers to data \`${id}\`, which is not defined under \`data\`${hint.text}`,
          range,
          hint.extra,
        ),
      );
    });
    if (EXTERNAL_KINDS.has(component.kind) && component.controls.length > 0) {
      problems.push(
        problem(
          'MLTM209',
          `\`${component.id}\` is an external entity (${component.kind}); the team cannot put controls on it, so mltm ignores them. Declare ${component.controls.map((c) => `\`${c}\``).join(', ')} on its flows or on the component that receives them.`,
          fieldRange(model, `${component.pointer}/controls`, component.idRange),
        ),
      );
    }
  }

  // Flows: ends, data, self-loops, duplicate ids, reverse of bidirectional flows.
  const firstFlowWithId = new Map<string, (typeof model.flows)[number]>();
  const directed = new Map<string, (typeof model.flows)[number]>();
  for (const flow of model.flows) {
    for (const end of ['from', 'to'] as const) {
      const id = flow[end];
      if (componentIds.has(id)) continue;
      const range = fieldRange(model, `${flow.pointer}/${end}`, flow.range);
      const hint = suggestion(id, componentIds, range);
      problems.push(
        problem(
          'MLTM201',
          `Flow \`${flow.id}\` ${end === 'from' ? 'starts at' : 'goes to'} \`${id}\`, which is not a component${hint.text}`,
          range,
          hint.extra,
        ),
      );
    }
    flow.data.forEach((id, index) => {
      usedData.add(id);
      if (dataIds.has(id)) return;
      const range = fieldRange(model, `${flow.pointer}/data/${index}`, flow.range);
      const hint = suggestion(id, dataIds, range);
      problems.push(
        problem(
          'MLTM203',
          `Flow \`${flow.id}\` carries data \`${id}\`, which is not defined under \`data\`${hint.text}`,
          range,
          hint.extra,
        ),
      );
    });
    if (flow.from === flow.to) {
      problems.push(
        problem(
          'MLTM206',
          `Flow \`${flow.id}\` goes from \`${flow.from}\` to itself; a data flow connects two components (model internal steps as separate components).`,
          fieldRange(model, `${flow.pointer}/to`, flow.range),
        ),
      );
    }
    const earlier = firstFlowWithId.get(flow.id);
    if (earlier) {
      const how = flow.idExplicit
        ? ''
        : ` Two flows from \`${flow.from}\` to \`${flow.to}\` need an \`id:\` each to tell them apart.`;
      problems.push(
        problem(
          'MLTM205',
          `Flow id \`${flow.id}\` is used twice; threat ids are built from it, so it must be unique.${how}`,
          flow.idRange,
          { related: [{ message: 'First used here', range: earlier.idRange }] },
        ),
      );
    } else {
      firstFlowWithId.set(flow.id, flow);
    }
    if (componentIds.has(flow.id)) {
      const component = model.components.find((c) => c.id === flow.id);
      problems.push(
        problem(
          'MLTM208',
          `Flow id \`${flow.id}\` is also a component id; threat ids \`<rule>@<id>\` would clash. Rename one of them.`,
          flow.idRange,
          component ? { related: [{ message: 'The component', range: component.idRange }] } : {},
        ),
      );
    }
    const reverse = directed.get(`${flow.to}\u0000${flow.from}`);
    if (reverse && (reverse.bidirectional || flow.bidirectional)) {
      problems.push(
        problem(
          'MLTM210',
          `Flow \`${flow.id}\` is the reverse of the bidirectional flow \`${reverse.id}\`; a bidirectional flow already covers both directions.`,
          flow.range,
          { related: [{ message: 'The bidirectional flow', range: reverse.range }] },
        ),
      );
    }
    directed.set(`${flow.from}\u0000${flow.to}`, flow);
  }

  // Unconnected components: no flow in or out.
  const connected = new Set(model.flows.flatMap((f) => [f.from, f.to]));
  for (const component of model.components) {
    if (!connected.has(component.id) && model.flows.length > 0) {
      problems.push(
        problem(
          'MLTM207',
          `Component \`${component.id}\` has no data flows, so no flow threats can be found for it. Connect it, or remove it if it is not part of the pipeline.`,
          component.idRange,
        ),
      );
    }
  }

  // Definitions nobody uses: harmless, but usually a leftover or a typo elsewhere.
  for (const boundary of model.boundaries) {
    if (!usedBoundaries.has(boundary.id))
      problems.push(
        problem('MLTM211', `Boundary \`${boundary.id}\` contains no components.`, boundary.idRange),
      );
  }
  for (const item of model.data) {
    if (!usedData.has(item.id) && item.crownJewel.length > 0)
      problems.push(
        problem(
          'MLTM212',
          `Data \`${item.id}\` is a crown jewel but no component holds it and no flow carries it, so no attack path can reach it; add \`${item.id}\` to the \`data\` of the component that stores it.`,
          model.sourceMap.get(`${item.pointer}/crown_jewel`)?.key ?? item.idRange,
        ),
      );
    else if (!usedData.has(item.id))
      problems.push(
        problem(
          'MLTM211',
          `Data \`${item.id}\` is not carried by any flow nor held by any component.`,
          item.idRange,
        ),
      );
  }
  return problems;
}
