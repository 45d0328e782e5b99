/**
 * Hostile input is refused quickly with its own code: alias bombs (MLTM003), nesting deeper than
 * the limit as flow brackets, block mappings or aliases (MLTM009), in models and registers alike.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze } from '../../src/core/analysis';
import { loadRegister } from '../../src/core/register/register';
import { DEFAULT_READ_LIMITS, YAML_READER_ENV } from '../../src/core/parse/source';
import { aliasBomb, assertRangesInside, bounded, deepNesting, fuzzParameters } from './support';

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
});
