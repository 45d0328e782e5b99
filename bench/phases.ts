/**
 * `node scripts/build.mjs && node dist/bench-phases.js [--sizes 1000,5000] [--runs 7]`: where the time of one analysis and
 * its decision goes, phase by phase, at growing sizes — so a stage that grows faster than the
 * model shows up by name (bench.ts times whole stages; this splits them). For each size it
 * prints, per phase, the median wall time of several runs after a warm-up, the per-component
 * cost, the ratio to the first size scaled by size (1.00 = linear), and the share of that time
 * spent in garbage collection (PerformanceObserver 'gc' entries that fall inside the phase).
 *
 * Phases run in pipeline order on each run, each over the previous phase's output, exactly as
 * `analyze` and `decide` chain them; the sum of the phases is the analyze+plan stage.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { activeRuleSet } from '../src/core/analysis';
import { bundledAtlasCatalogue } from '../src/core/kb/atlas';
import { buildGraph } from '../src/core/graph/graph';
import { loadModel } from '../src/core/model/load';
import { readYaml, DEFAULT_READ_LIMITS } from '../src/core/parse/source';
import { evaluateRules } from '../src/core/rules/evaluate';
import { deriveFacts } from '../src/core/rules/facts';
import { Assessment } from '../src/core/decide/assess';
import { crownJewels } from '../src/core/decide/crownJewels';
import { decide, decisionInputOf } from '../src/core/decide/index';
import { attackPaths } from '../src/core/decide/paths';
import { riskContext } from '../src/core/decide/risk';
import { generatePipeline } from './generate';

interface Options {
  sizes: number[];
  runs: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { sizes: [1000, 5000], runs: 7 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[++i];
    if (next === undefined) throw new Error(`${arg} needs a value`);
    if (arg === '--sizes') options.sizes = next.split(',').map(Number);
    else if (arg === '--runs') options.runs = Number(next);
    else throw new Error(`unknown option ${arg} (options: --sizes 1000,5000 --runs 7)`);
  }
  if (options.sizes.some((n) => !Number.isInteger(n) || n < 2) || !(options.runs >= 1))
    throw new Error('--sizes takes integers ≥ 2, --runs an integer ≥ 1');
  return options;
}

/** GC pauses seen so far: start and duration (ms, performance.now() time). */
const gcPauses: { start: number; duration: number }[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    gcPauses.push({ start: entry.startTime, duration: entry.duration });
});
observer.observe({ entryTypes: ['gc'] });

/** GC time inside [from, to), as far as the observer has delivered it. */
function gcWithin(from: number, to: number): number {
  let total = 0;
  for (const pause of gcPauses)
    if (pause.start >= from && pause.start < to) total += pause.duration;
  return total;
}

interface Phase {
  readonly id: string;
  readonly run: (state: Record<string, unknown>) => unknown;
}

/** The phases of `analyze` followed by those of `decide`, each reading what earlier ones left. */
function phases(text: string): Phase[] {
  const atlas = bundledAtlasCatalogue();
  const ruleSet = activeRuleSet(undefined, atlas);
  return [
    { id: 'read yaml', run: () => readYaml(text, 'model', DEFAULT_READ_LIMITS) },
    {
      id: 'load (read+schema+semantics)',
      run: (s) => (s.model = loadModel(text).model),
    },
    { id: 'graph', run: (s) => (s.graph = buildGraph(s.model as never)) },
    { id: 'facts', run: (s) => (s.facts = deriveFacts(s.graph as never)) },
    { id: 'rules', run: (s) => (s.threats = evaluateRules(ruleSet.rules, s.facts as never)) },
    {
      id: 'risk (jewels+context+assessment)',
      run: (s) => {
        const input = decisionInputOf(
          { facts: s.facts as never, threats: s.threats as never, ruleSet, atlas },
          undefined,
        );
        const jewels = crownJewels(input.facts.graph);
        s.jewels = jewels;
        s.input = input;
        return (s.assessment = new Assessment(
          input,
          riskContext(input.facts.graph, jewels, atlas),
        ));
      },
    },
    { id: 'paths', run: (s) => attackPaths(s.assessment as never, s.jewels as never) },
    { id: 'decide (risk+paths+plan)', run: (s) => decide(s.input as never) },
  ];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export let sink: unknown;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const results = new Map<number, Map<string, { wall: number; gc: number }>>();
  for (const size of options.sizes) {
    const text = generatePipeline({ components: size, seed: 1 }).text;
    const list = phases(text);
    const walls = new Map<string, number[]>(list.map((p) => [p.id, []]));
    const gcs = new Map<string, number[]>(list.map((p) => [p.id, []]));
    for (let run = -1; run < options.runs; run++) {
      const state: Record<string, unknown> = {};
      const spans: { id: string; from: number; to: number }[] = [];
      for (const phase of list) {
        const from = performance.now();
        sink = phase.run(state);
        spans.push({ id: phase.id, from, to: performance.now() });
      }
      // Let the observer deliver this run's GC entries (it does so on a later turn of the event
      // loop, not on the next immediate) before they are attributed.
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (run < 0) continue; // the warm-up
      for (const span of spans) {
        walls.get(span.id)?.push(span.to - span.from);
        gcs.get(span.id)?.push(gcWithin(span.from, span.to));
      }
    }
    const bySize = new Map<string, { wall: number; gc: number }>();
    for (const phase of list)
      bySize.set(phase.id, {
        wall: median(walls.get(phase.id) ?? []),
        gc: median(gcs.get(phase.id) ?? []),
      });
    results.set(size, bySize);
  }
  const [first] = options.sizes;
  const base = results.get(first as number);
  console.log(
    `phase timings, median of ${options.runs} runs after a warm-up (heap used now ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB)`,
  );
  for (const size of options.sizes) {
    console.log(`\n${size} components`);
    for (const [id, r] of results.get(size) ?? []) {
      const b = base?.get(id);
      const scaled = b && b.wall > 0 ? r.wall / b.wall / (size / (first as number)) : NaN;
      console.log(
        `  ${id.padEnd(34)} ${r.wall.toFixed(1).padStart(8)} ms  ${((r.wall / size) * 1000).toFixed(1).padStart(7)} µs/comp  ` +
          `gc ${r.gc.toFixed(1).padStart(7)} ms (${Math.round((100 * r.gc) / Math.max(r.wall, 1e-9))}%)  ×linear ${scaled.toFixed(2)}`,
      );
    }
  }
}

void main();
