/**
 * Issue 16 defect 9: boundary `parent:` chains were quadratic or worse (2,000 nested boundaries
 * took 6.9 s, 60,000 never finished, a 2,000-boundary cycle 10 s) because the semantic checks,
 * the graph's zones and the diagram each walked every chain from scratch. One resolver
 * (core/model/nesting.ts) now walks each boundary once; depth is capped at MAX_BOUNDARY_DEPTH
 * with a located MLTM213, and every zone path is bounded by the cap. Speed is measured by the
 * bench stages `boundary-chain` and `boundary-cycle`; these tests assert what users see and
 * the bounded shape that makes it linear (on the old code the paths grew with the chain).
 */
import assert from 'node:assert/strict';
import { generateBoundaryNesting } from '../../../bench/generate';
import { analyze } from '../../../src/core/analysis';
import { diagramGraphFromPipeline } from '../../../src/core/layout/diagramGraph';
import { toElkGraph } from '../../../src/core/layout/elkGraph';
import { MAX_BOUNDARY_DEPTH, resolveNesting } from '../../../src/core/model/nesting';
import { modelToMermaid } from '../../../src/core/report/mermaid';
import { onlyProblem, slice, startOf } from '../core/located';
import { loaded } from '../../support/analysis';

describe('issue 16 defect 9: boundary parent chains resolve in linear time', function () {
  // Generous: on the old code these cases ran for minutes; the bound catches a hang, not speed.
  this.timeout(60_000);

  it('a 20,000-deep chain: one MLTM213 at the first boundary past the limit, zones bounded', () => {
    const text = generateBoundaryNesting(20_000, 'chain');
    const analysis = loaded(analyze(text));
    const tooDeep = onlyProblem(analysis.problems, 'MLTM213');
    const first = `b${MAX_BOUNDARY_DEPTH}`;
    assert.match(tooDeep.message, new RegExp(`Boundary \`${first}\` is nested more than 32`));
    assert.equal(slice(text, tooDeep.range), `b${MAX_BOUNDARY_DEPTH - 1}`);
    assert.equal(startOf(text, tooDeep.range), `${4 * MAX_BOUNDARY_DEPTH + 6}:13`);
    assert.ok(analysis.graph);
    let longest = 0;
    for (const zone of analysis.graph.zones.values()) longest = Math.max(longest, zone.path.length);
    assert.equal(longest, MAX_BOUNDARY_DEPTH);
    assert.deepEqual(analysis.graph.zones.get(first)?.path, [first]);
    assert.deepEqual(
      analysis.graph.zones.get('b2')?.path,
      ['b0', 'b1', 'b2'],
      'within the limit, the path is the real nesting',
    );
  });

  it('a 20,000-boundary cycle: one MLTM204 naming a few members and counting the rest', () => {
    const text = generateBoundaryNesting(20_000, 'cycle');
    const analysis = loaded(analyze(text));
    const cycle = onlyProblem(analysis.problems, 'MLTM204');
    assert.match(
      cycle.message,
      /^Boundaries nest in a cycle: `b0` → `b19999` → .* → `b19989` → … 19988 more → `b0`\. A boundary cannot contain itself\.$/,
    );
    assert.equal(cycle.related?.length, 11);
    assert.equal(slice(text, cycle.range), 'b19999');
    assert.equal(
      analysis.problems.filter((p) => p.code === 'MLTM213').length,
      0,
      'a cycle is not also reported as too deep',
    );
    for (const zone of analysis.graph?.zones.values() ?? [])
      assert.ok(zone.path.length <= 1, `${zone.id}: ${zone.path.length}`);
  });

  it('the diagram and the Mermaid report nest at most MAX_BOUNDARY_DEPTH boundaries', () => {
    const analysis = loaded(analyze(generateBoundaryNesting(5_000, 'chain')));
    assert.ok(analysis.graph);
    const elk = toElkGraph(diagramGraphFromPipeline(analysis.graph), { hierarchy: 'global' });
    let depth = 0;
    for (let node = elk.children?.find((n) => n.id === 'b:b0'); node; depth++)
      node = node.children?.find((n) => n.id.startsWith('b:'));
    assert.equal(depth, MAX_BOUNDARY_DEPTH);
    const mermaid = modelToMermaid(analysis);
    let open = 0;
    let deepest = 0;
    for (const line of mermaid.split('\n')) {
      if (/^\s*subgraph /.test(line)) deepest = Math.max(deepest, ++open);
      else if (/^\s*end$/.test(line)) open--;
    }
    assert.equal(deepest, MAX_BOUNDARY_DEPTH);
  });

  it('resolveNesting: dangling parents start a path, nodes under a cycle hang below it', () => {
    const nesting = resolveNesting(
      [
        { id: 'a', parent: 'b' },
        { id: 'b', parent: 'a' },
        { id: 'c', parent: 'a' },
        { id: 'd', parent: 'ghost' },
        { id: 'e', parent: 'd' },
        { id: 'f', parent: 'e' },
      ],
      2,
    );
    assert.deepEqual(nesting.cycles, [['a', 'b']]);
    assert.deepEqual(Object.fromEntries(nesting.paths), {
      a: ['a'],
      b: ['b'],
      c: ['a', 'c'],
      d: ['d'],
      e: ['d', 'e'],
      f: ['f'],
    });
    assert.deepEqual(nesting.tooDeep, ['f']);
  });
});
