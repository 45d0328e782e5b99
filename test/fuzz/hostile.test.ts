/**
 * Hostile input is refused quickly with its own code: alias bombs (MLTM003), nesting deeper than
 * the limit as flow brackets, block mappings or aliases (MLTM009), in models and registers alike;
 * boundary `parent:` chains, cycles and random forests of any size (issue 16 defect 9) resolve
 * in bounded time to zones that agree with a naive walk of the nesting.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateBoundaryNesting, generatePipeline } from '../../bench/generate';
import { formatThreatsText } from '../../src/cli/commands/analyze';
import { formatProblemLine, locate } from '../../src/cli/io';
import { renderReport } from '../../src/core/report/index';
import { assembleReportInput } from '../../src/core/report/input';
import { LineIndex } from '../../src/core/util/lineIndex';
import { analyze } from '../../src/core/analysis';
import { MAX_BOUNDARY_DEPTH } from '../../src/core/model/nesting';
import { loadRegister } from '../../src/core/register/register';
import { DEFAULT_READ_LIMITS, YAML_READER_ENV } from '../../src/core/parse/source';
import {
  aliasBomb,
  assertRangesInside,
  bounded,
  deepNesting,
  FUZZ_RUNS,
  fuzzParameters,
} from './support';
import { loaded } from '../support/analysis';
import { threatsOf } from '../../src/core/analysis';

const MODEL = 'mltm: 1\nname: hostile\ncomponents:\n  a: {kind: user}\n';
const REGISTER = 'mltm-register: 1\nmodel: m.mltm.yaml\nthreats: {}\n';

describe('fuzz: hostile input', function () {
  this.timeout(0);

  it('refuses alias bombs with MLTM003', () => {
    // Only bombs that expand past the limit; smaller ones are legitimate (if odd) YAML. A bomb of
    // `depth` levels expands to width^(depth-1) leaves.
    const bombs = fc
      .tuple(fc.integer({ min: 2, max: 16 }), fc.integer({ min: 2, max: 40 }))
      .filter(
        ([width, depth]) =>
          (depth - 1) * Math.log(width) > Math.log(DEFAULT_READ_LIMITS.maxExpandedNodes) + 1,
      );
    fc.assert(
      fc.property(bombs, fc.boolean(), ([width, depth], inRegister) => {
        const text = (inRegister ? REGISTER : MODEL) + aliasBomb(width, depth);
        const problems = inRegister
          ? bounded('loadRegister', () => loadRegister(text)).problems
          : bounded('analyze', () => analyze(text)).problems;
        assertRangesInside(problems, text, 'bomb');
        assert.ok(
          problems.some((p) => p.code === 'MLTM003'),
          `no MLTM003 for a ${width}^${depth} bomb: ${problems.map((p) => p.code).join(', ')}`,
        );
      }),
      fuzzParameters(Math.min(30, Number(process.env.MLTM_FUZZ_RUNS ?? 30))),
    );
  });

  it('refuses nesting deeper than the limit with MLTM009', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: DEFAULT_READ_LIMITS.maxDepth + 1, max: 1_000 }),
        fc.boolean(),
        fc.boolean(),
        (depth, flow, inRegister) => {
          const text = (inRegister ? REGISTER : MODEL) + deepNesting(depth, flow);
          const problems = inRegister
            ? bounded('loadRegister', () => loadRegister(text)).problems
            : bounded('analyze', () => analyze(text)).problems;
          assertRangesInside(problems, text, 'nesting');
          assert.ok(
            problems.some((p) => p.code === 'MLTM009'),
            `no MLTM009 for depth ${depth} (${flow ? 'flow' : 'block'}): ${problems.map((p) => p.code).join(', ')}`,
          );
        },
      ),
      fuzzParameters(),
    );
  });

  it('reads a long line of quoted scalars in bounded time', () => {
    // 800,000 single-quoted scalars on one line (3.2 MB) took 34 s in the fast reader's first
    // version: each scalar searched to the end of the line for a line break.
    // A regression test of the fast reader: it runs with it on even under
    // MLTM_YAML_READER=library (the library takes several times longer on this input).
    const forced = process.env[YAML_READER_ENV];
    delete process.env[YAML_READER_ENV];
    try {
      const text = `${MODEL}x-list: [${Array(800_000).fill("'x'").join(',')}]\n`;
      const problems = bounded('analyze', () => analyze(text)).problems;
      assertRangesInside(problems, text, 'quoted scalars');
    } finally {
      if (forced !== undefined) process.env[YAML_READER_ENV] = forced;
    }
  });

  it('refuses nesting built from aliases with MLTM009', () => {
    // Each level nests the previous one: shallow in the text, deep once expanded.
    const lines = [
      'mltm: 1',
      'name: n',
      'components:',
      '  a: {kind: user}',
      'x-deep:',
      '  l0: &l0 [1]',
    ];
    for (let level = 1; level < 200; level++)
      lines.push(`  l${level}: &l${level} [*l${level - 1}]`);
    const text = lines.join('\n') + '\n';
    const problems = bounded('analyze', () => analyze(text)).problems;
    assertRangesInside(problems, text, 'alias nesting');
    assert.ok(
      problems.some((p) => p.code === 'MLTM009'),
      problems.map((p) => p.code).join(', '),
    );
  });

  it('resolves boundary nesting of any shape in bounded time, as a naive walk would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom('chain' as const, 'cycle' as const, 'random' as const),
        fc.integer({ min: 1, max: 1_000_000 }),
        (count, shape, seed) => {
          const text = generateBoundaryNesting(count, shape, seed);
          const analysis = loaded(bounded('analyze', () => analyze(text)));
          assertRangesInside(analysis.problems, text, `${shape} of ${count}`);
          const model = analysis.model;
          assert.ok(model && analysis.graph, 'a nesting model always loads');
          const parentOf = new Map(model.boundaries.map((b) => [b.id, b.parent]));
          // The oracle: walk each chain from scratch (quadratic, fine at this size).
          const walk = (id: string) => {
            const chain: string[] = [];
            for (let at: string | undefined = id; at !== undefined && parentOf.has(at);) {
              if (chain.includes(at)) return { chain, cyclic: true };
              chain.push(at);
              at = parentOf.get(at);
            }
            return { chain, cyclic: false };
          };
          const inCycle = (id: string) => {
            const { chain, cyclic } = walk(id);
            return cyclic && parentOf.get(chain[chain.length - 1] as string) === id;
          };
          let expectedTooDeep = 0;
          for (const b of model.boundaries) {
            const path: readonly string[] = analysis.graph.zones.get(b.id)?.path ?? [];
            assert.ok(path.length <= MAX_BOUNDARY_DEPTH, `${b.id}: path of ${path.length}`);
            assert.equal(path[path.length - 1], b.id);
            for (let i = 1; i < path.length; i++)
              assert.equal(parentOf.get(path[i] as string), path[i - 1], `${b.id}: path ${path}`);
            const { chain, cyclic } = walk(b.id);
            if (inCycle(b.id)) assert.deepEqual(path, [b.id], `${b.id} is in a cycle`);
            else if (!cyclic && chain.length <= MAX_BOUNDARY_DEPTH)
              assert.deepEqual(path, [...chain].reverse(), `${b.id}: the real nesting`);
            if (!cyclic && chain.length === MAX_BOUNDARY_DEPTH + 1) expectedTooDeep++;
          }
          const cycles = new Set(model.boundaries.filter((b) => inCycle(b.id)).map((b) => b.id));
          const reported = analysis.problems.filter((p) => p.code === 'MLTM204');
          const members = reported.reduce(
            (n, p) => n + Math.min(12, 1 + (p.related?.length ?? 0)),
            0,
          );
          assert.ok(members <= cycles.size, 'each cycle reported once');
          assert.equal(reported.length > 0, cycles.size > 0, 'cycles reported iff present');
          assert.equal(
            analysis.problems.filter((p) => p.code === 'MLTM213').length,
            expectedTooDeep,
            'MLTM213 once per boundary one past the limit (outside cycles)',
          );
        },
      ),
      fuzzParameters(),
    );
  });

  it('resolves very long chains and cycles in bounded time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2_000, max: 30_000 }),
        fc.constantFrom('chain' as const, 'cycle' as const),
        (count, shape) => {
          const text = generateBoundaryNesting(count, shape);
          const analysis = loaded(bounded('analyze', () => analyze(text)));
          assertRangesInside(analysis.problems, text, `${shape} of ${count}`);
          const code = shape === 'chain' ? 'MLTM213' : 'MLTM204';
          assert.equal(analysis.problems.filter((p) => p.code === code).length, 1);
        },
      ),
      fuzzParameters(Math.min(6, FUZZ_RUNS)),
    );
  });

  it('writes control characters in every string field inert in problems, CLI text and reports', () => {
    // Issue 16 defect 12: a newline + `::error …` in a name forged CI annotations, ESC and BEL
    // reached terminals and reports. Every string field of a generated model gets its own mix.
    const controls = fc.constantFrom(
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u0007',
      '\u001b[2J',
      '\u001b]0;x\u0007',
      '\u007f',
      '\u0085',
      '\u009b',
      '\u2028',
      '\u2029',
      '\u202e',
      '\u2066',
      '\n::error file=a.ts::forged\n',
      '\nPASS x\n',
    );
    const hostile = fc
      .array(fc.oneof(controls, fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join(''));
    const FIELD =
      /^(\s+)(name|description|kind|tech|owner|protocol|boundary|parent|from|to|id): (.*)$/;
    // Raw controls, except the line breaks the output itself writes.
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.array(hostile, { minLength: 1, maxLength: 30 }),
        (size, values) => {
          let n = 0;
          const text = generatePipeline({ components: size })
            .text.split('\n')
            .map((line) => {
              const match = FIELD.exec(line);
              if (!match) return line;
              const extra = values[n++ % values.length] ?? '';
              return `${match[1]}${match[2]}: ${JSON.stringify((match[3] ?? '') + extra)}`;
            })
            .join('\n');
          const analysis = bounded('analyze', () => analyze(text));
          assertRangesInside(analysis.problems, text, 'control characters');
          for (const p of analysis.problems) assert.doesNotMatch(p.message, RAW, p.message);
          const lines = locate('m.mltm.yaml', text, analysis.problems).map(formatProblemLine);
          const listing = formatThreatsText(
            'm.mltm.yaml',
            analysis.status === 'loaded' ? analysis.model.name : '',
            analysis.atlas.version,
            threatsOf(analysis),
            new LineIndex(text),
            { minSeverity: 'info', openOnly: false },
          );
          for (const out of [...lines, ...listing.split('\n')]) {
            assert.doesNotMatch(out, RAW, out);
            assert.ok(!out.startsWith('::') && !out.startsWith('PASS'), out);
          }
          if (analysis.status !== 'loaded') return;
          const input = assembleReportInput({
            analysis,
            text,
            file: 'm.mltm.yaml',
            registerNotes: [],
            generatedAt: '2026-01-01T00:00:00Z',
            toolVersion: '0.0.0',
          });
          for (const format of ['md', 'mermaid'] as const)
            assert.doesNotMatch(renderReport(format, input), RAW, format);
          // HTML keeps the line breaks and tabs of multi-line texts (whitespace there).
          assert.doesNotMatch(renderReport('html', input).replace(/[\t\r]/g, ''), RAW, 'html');
        },
      ),
      fuzzParameters(Math.min(40, FUZZ_RUNS)),
    );
  });
});
