import assert from 'node:assert/strict';
import { analyzeLoaded } from '../../support/analysis';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARRANGEMENT_SEARCH_LIMIT,
  computeLayout,
  diagramGraphFromPipeline,
  fitScale,
  labelLines,
  NODE_GEOMETRY,
  toElkGraph,
  type DiagramGraph,
  type PositionedLayout,
} from '../../../src/core/layout';

const examplesDir = join(__dirname, '../../../examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.mltm.yaml'))
  .sort();

function graphOf(text: string): DiagramGraph {
  const analysis = analyzeLoaded(text);
  assert.ok(analysis.graph, 'the model has a graph');
  return diagramGraphFromPipeline(analysis.graph);
}

const inside = (
  inner: { x: number; y: number; width: number; height: number },
  outer: { x: number; y: number; width: number; height: number },
) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

/** Share of node pairs whose left/right and above/below relation is the same in both layouts. */
function orderKept(a: PositionedLayout, b: PositionedLayout): number {
  const after = new Map(b.nodes.map((n) => [n.id, n]));
  let same = 0;
  let total = 0;
  for (const n of a.nodes)
    for (const m of a.nodes) {
      const n2 = after.get(n.id);
      const m2 = after.get(m.id);
      if (n.id >= m.id || !n2 || !m2) continue;
      total += 2;
      if (Math.sign(Math.round(n.x - m.x)) === Math.sign(Math.round(n2.x - m2.x))) same++;
      if (Math.sign(Math.round(n.y - m.y)) === Math.sign(Math.round(n2.y - m2.y))) same++;
    }
  return total === 0 ? 1 : same / total;
}

describe('diagram layout', () => {
  const layouts = new Map<string, { graph: DiagramGraph; layout: PositionedLayout }>();
  before(async () => {
    for (const file of examples) {
      const graph = graphOf(readFileSync(join(examplesDir, file), 'utf8'));
      layouts.set(file, { graph, layout: await computeLayout(graph) });
    }
  });

  it('lays out every example: each component, boundary and flow positioned, nodes inside their boundaries', async () => {
    assert.equal(layouts.size, 12);
    // The large-model mode (each boundary laid out on its own) must keep the same invariants.
    const separate = new Map<string, { graph: DiagramGraph; layout: PositionedLayout }>();
    for (const [file, { graph }] of layouts)
      separate.set(`${file} (separate)`, {
        graph,
        layout: await computeLayout(graph, { hierarchy: 'separate' }),
      });
    for (const [file, { graph, layout }] of [...layouts, ...separate]) {
      assert.deepEqual(
        layout.nodes.map((n) => n.id),
        graph.components.map((c) => c.id),
        file,
      );
      assert.deepEqual(
        layout.boundaries.map((b) => b.id),
        graph.boundaries.map((b) => b.id),
        file,
      );
      assert.deepEqual(
        layout.edges.map((e) => e.id),
        graph.flows.map((f) => f.id),
        file,
      );
      const boxes = new Map(layout.boundaries.map((b) => [b.id, b]));
      for (const c of graph.components) {
        const node = layout.nodes.find((n) => n.id === c.id);
        assert.ok(node && node.width > 0 && node.height > 0, `${file}: ${c.id} sized`);
        if (c.boundary !== undefined)
          assert.ok(
            inside(node, boxes.get(c.boundary) as never),
            `${file}: ${c.id} inside ${c.boundary}`,
          );
      }
      for (const b of graph.boundaries)
        if (b.parent !== undefined)
          assert.ok(
            inside(boxes.get(b.id) as never, boxes.get(b.parent) as never),
            `${file}: ${b.id} inside ${b.parent}`,
          );
      for (const e of layout.edges) assert.ok(e.sections.length > 0, `${file}: ${e.id} routed`);
    }
  });

  it('routes edges orthogonally, starting and ending on their nodes', () => {
    for (const [file, { layout }] of layouts) {
      const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
      for (const e of layout.edges) {
        const points = e.sections.flatMap((s) => [s.start, ...s.bendPoints, s.end]);
        for (let i = 1; i < points.length; i++) {
          const a = points[i - 1] as { x: number; y: number };
          const b = points[i] as { x: number; y: number };
          // Within a section segments are axis-parallel; between sections points may join.
          if (Math.abs(a.x - b.x) > 0.5 && Math.abs(a.y - b.y) > 0.5)
            assert.fail(`${file}: ${e.id} has a diagonal segment`);
        }
        const source = nodes.get(e.source);
        const start = e.sections[0]?.start;
        assert.ok(
          source && start && inside({ ...start, width: 0, height: 0 }, source),
          `${file}: ${e.id} starts on ${e.source}`,
        );
      }
    }
  });

  it('is deterministic: the same model gives the same layout, whatever the order in the file', async () => {
    const text = readFileSync(join(examplesDir, '11-rag-llm-app.mltm.yaml'), 'utf8');
    const first = layouts.get('11-rag-llm-app.mltm.yaml')?.layout;
    assert.deepEqual(await computeLayout(graphOf(text)), first);
    // Components reversed in the file: the diagram graph is sorted by id, so ELK sees the same input.
    const reversed =
      'mltm: 1\nname: r\ncomponents:\n  z: {kind: user}\n  a: {kind: serving_endpoint}\nflows:\n  - {from: z, to: a}\n';
    const forward =
      'mltm: 1\nname: r\ncomponents:\n  a: {kind: serving_endpoint}\n  z: {kind: user}\nflows:\n  - {from: z, to: a}\n';
    assert.deepEqual(toElkGraph(graphOf(reversed)), toElkGraph(graphOf(forward)));
  });

  it('moves little on a small edit: renaming a component keeps the relative order of the others', async () => {
    const before = layouts.get('11-rag-llm-app.mltm.yaml') as {
      graph: DiagramGraph;
      layout: PositionedLayout;
    };
    const renamed = before.graph.components[2] as DiagramGraph['components'][number];
    const edited: DiagramGraph = {
      ...before.graph,
      components: before.graph.components.map((c) =>
        c === renamed ? { ...c, label: `${c.label} (v2, renamed)` } : c,
      ),
    };
    const after = await computeLayout(edited);
    assert.ok(
      orderKept(before.layout, after) >= 0.95,
      `relative order kept: ${orderKept(before.layout, after).toFixed(2)}`,
    );
  });

  it('puts cross-boundary edges in the lowest common boundary and nests boundaries', () => {
    const graph: DiagramGraph = {
      boundaries: [
        { id: 'outer', label: 'Outer', trust: 'trusted' },
        { id: 'inner', label: 'Inner', trust: 'trusted', parent: 'outer' },
      ],
      components: [
        { id: 'a', label: 'A', kind: 'user' },
        { id: 'b', label: 'B', kind: 'tool', boundary: 'inner' },
        { id: 'c', label: 'C', kind: 'tool', boundary: 'outer' },
      ],
      flows: [
        { id: 'a->b', source: 'a', target: 'b', label: 'x', bidirectional: false },
        { id: 'c->b', source: 'c', target: 'b', label: '', bidirectional: true },
      ],
    };
    const elk = toElkGraph(graph);
    assert.deepEqual(
      elk.edges?.map((e) => e.id),
      ['f:a->b'],
    );
    const outer = elk.children?.find((c) => c.id === 'b:outer');
    assert.deepEqual(
      outer?.edges?.map((e) => e.id),
      ['f:c->b'],
    );
    assert.deepEqual(
      outer?.children?.map((c) => c.id),
      ['b:inner', 'c:c'],
    );
    assert.equal(elk.layoutOptions?.['elk.direction'], 'RIGHT');
    assert.equal(elk.layoutOptions?.['elk.edgeRouting'], 'ORTHOGONAL');
  });

  it('wraps long component labels at the best word breaks, up to three lines, elided beyond', () => {
    const max = NODE_GEOMETRY.maxLineChars;
    assert.deepEqual(labelLines('Feature store'), ['Feature store']);
    assert.deepEqual(labelLines('Online feature store service'), [
      'Online feature',
      'store service',
    ]);
    // Shorter lines for a narrow panel: the fewest lines that fit, words never cut for it.
    assert.deepEqual(labelLines('Feature store', 10), ['Feature', 'store']);
    assert.deepEqual(labelLines('Card authorization switch', 10), [
      'Card',
      'authorization',
      'switch',
    ]);
    // No three lines of at most its longest word: the default lines.
    assert.deepEqual(
      labelLines('Online feature store service', 10),
      labelLines('Online feature store service'),
    );
    assert.deepEqual(labelLines('Recommendation model', 10), ['Recommendation', 'model']);
    // Too long for three lines at word breaks: full lines, the last elided.
    const long = 'x'.repeat(max * 4);
    const lines = labelLines(long);
    assert.equal(lines.length, NODE_GEOMETRY.maxLines);
    assert.deepEqual(lines.slice(0, -1), ['x'.repeat(max), 'x'.repeat(max)]);
    assert.equal([...(lines.at(-1) as string)].length, max);
    assert.ok(lines.at(-1)?.endsWith('…'));
    const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const cut = labelLines(words, 10);
    assert.equal(cut.length, NODE_GEOMETRY.maxLines);
    assert.ok(cut.every((l) => [...l].length <= max) && cut.at(-1)?.endsWith('…'));
    assert.deepEqual(labelLines(''), ['']);
    // Boxes are sized for the lines the renderer draws, which the layout hands it.
    const graph = graphOf(
      "mltm: 1\nname: r\ncomponents:\n  a: {kind: user, name: 'Card authorization switch'}\n  b: {kind: tool}\n",
    );
    const [a, b] = toElkGraph(graph).children ?? [];
    assert.ok((a?.height ?? 0) > (b?.height ?? 0), 'two lines make a taller box');
    const [narrowA] = toElkGraph(graph, { labelLineChars: 10 }).children ?? [];
    assert.ok((narrowA?.height ?? 0) > (a?.height ?? 0), 'three lines, taller still');
    assert.ok((narrowA?.width ?? 0) < (a?.width ?? 0), 'and narrower');
  });

  it('hands the renderer the label lines each box was sized for', async () => {
    for (const [file, { graph, layout }] of layouts)
      for (const node of layout.nodes) {
        const label = graph.components.find((c) => c.id === node.id)?.label ?? '';
        assert.deepEqual(node.lines, labelLines(label), `${file}: ${node.id}`);
      }
    const { graph } = layouts.get('11-rag-llm-app.mltm.yaml') as { graph: DiagramGraph };
    const tall = await computeLayout(graph, { aspectRatio: 600 / 740 });
    for (const node of tall.nodes) {
      const label = graph.components.find((c) => c.id === node.id)?.label ?? '';
      assert.deepEqual(node.lines, labelLines(label, 10), `narrow: ${node.id}`);
    }
    assert.ok(
      tall.nodes.some((n) => n.lines.length === 3),
      'a tall panel gets the shorter lines for 11-rag-llm-app',
    );
  });

  it('leaves flow labels out of the ELK input and centres each on the longest segment of its route', () => {
    const { graph, layout } = layouts.get('11-rag-llm-app.mltm.yaml') as {
      graph: DiagramGraph;
      layout: PositionedLayout;
    };
    const edges = (n: { edges?: { labels?: unknown[] }[]; children?: unknown[] }): unknown[] => [
      ...(n.edges ?? []).flatMap((e) => e.labels ?? []),
      ...((n.children ?? []) as never[]).flatMap(edges),
    ];
    assert.deepEqual(edges(toElkGraph(graph) as never), []);
    const labelled = layout.edges.filter((e) => e.label);
    assert.equal(labelled.length, graph.flows.filter((f) => f.label !== '').length);
    for (const e of labelled) {
      const l = e.label as NonNullable<typeof e.label>;
      const centre = { x: l.x + l.width / 2, y: l.y + l.height / 2 };
      const points = e.sections.flatMap((s) => [s.start, ...s.bendPoints, s.end]);
      const onRoute = points.some((p, i) => {
        const q = points[i + 1];
        if (!q) return false;
        return (
          Math.abs(centre.x - (p.x + q.x) / 2) < 0.01 && Math.abs(centre.y - (p.y + q.y) / 2) < 0.01
        );
      });
      assert.ok(onRoute, `${e.id}: label centred on a segment of its route`);
    }
  });

  it('arranges a model for the panel: the layout that fits the aspect ratio best, deterministically', async () => {
    for (const file of ['04-backdoored-model.mltm.yaml', '11-rag-llm-app.mltm.yaml']) {
      const { graph } = layouts.get(file) as { graph: DiagramGraph };
      for (const aspectRatio of [1000 / 600, 600 / 740]) {
        const chosen = await computeLayout(graph, { aspectRatio });
        for (const direction of ['RIGHT', 'DOWN'] as const) {
          const plain = await computeLayout(graph, { direction });
          assert.ok(
            fitScale(chosen, aspectRatio) >= fitScale(plain, aspectRatio),
            `${file} at ${aspectRatio.toFixed(2)}: at least as large at fit as ${direction}`,
          );
        }
        assert.deepEqual(await computeLayout(graph, { aspectRatio }), chosen, 'deterministic');
      }
    }
    // The panel's shape decides: some example is arranged differently for a wide and a tall one.
    const shapes = [];
    for (const [, { graph }] of layouts) {
      const wide = await computeLayout(graph, { aspectRatio: 1000 / 600 });
      const tall = await computeLayout(graph, { aspectRatio: 600 / 740 });
      shapes.push(wide.width / wide.height > tall.width / tall.height);
      if (shapes.at(-1)) break;
    }
    assert.ok(shapes.includes(true), 'a wide panel gets a wider arrangement than a tall one');
  });

  it('lays a model above the search limit out once, left to right, whatever the panel', async () => {
    const n = ARRANGEMENT_SEARCH_LIMIT + 1;
    const graph: DiagramGraph = {
      boundaries: [],
      components: Array.from({ length: n }, (_, i) => ({
        id: `c${String(i).padStart(2, '0')}`,
        label: `C ${i}`,
        kind: 'tool',
      })),
      flows: Array.from({ length: n - 1 }, (_, i) => ({
        id: `f${i}`,
        source: `c${String(i).padStart(2, '0')}`,
        target: `c${String(i + 1).padStart(2, '0')}`,
        label: '',
        bidirectional: false,
      })),
    };
    assert.deepEqual(await computeLayout(graph, { aspectRatio: 0.5 }), await computeLayout(graph));
  });

  it('draws a component whose boundary is unknown at top level instead of failing', async () => {
    const graph = graphOf(
      'mltm: 1\nname: r\ncomponents:\n  a: {kind: user, boundary: nowhere}\n  b: {kind: tool}\nflows:\n  - {from: a, to: b}\n',
    );
    const layout = await computeLayout(graph);
    assert.deepEqual(
      layout.nodes.map((n) => n.id),
      ['a', 'b'],
    );
    assert.equal(layout.boundaries.length, 0);
  });
});
