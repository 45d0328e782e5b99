/**
 * The editor's per-element threat lists (hover, CodeLens) are each element's threats in the
 * order a reader scans them — most severe first, then by rule id — grouped once per analysis.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePipeline } from '../../../bench/generate';
import { analyze } from '../../../src/core/analysis';
import { SEVERITY_ORDER } from '../../../src/core/rules/types';
import { threatsOfElement } from '../../../src/core/views/elementThreats';
import { loaded } from '../../support/analysis';

describe('threats of an element', () => {
  it("are exactly the element's threats, most severe first then by rule id, on the examples and a generated model", () => {
    const texts = [
      ...readdirSync('examples')
        .filter((f) => f.endsWith('.mltm.yaml'))
        .map((f) => readFileSync(join('examples', f), 'utf8')),
      generatePipeline({ components: 300, seed: 5 }).text,
    ];
    let elements = 0;
    for (const text of texts) {
      const analysis = loaded(analyze(text));
      const ids = [...analysis.model.components, ...analysis.model.flows].map((e) => e.id);
      for (const id of [...ids, 'no-such-element']) {
        const expected = analysis.threats
          .filter((t) => t.element === id)
          .sort(
            (a, b) =>
              SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) ||
              a.ruleId.localeCompare(b.ruleId),
          );
        assert.deepEqual(threatsOfElement(analysis.threats, id), expected, id);
        elements++;
      }
      // Asked again, the same list (grouped once per analysis).
      const first = ids[0] as string;
      assert.equal(
        threatsOfElement(analysis.threats, first),
        threatsOfElement(analysis.threats, first),
      );
    }
    assert.ok(elements > 1000, `${elements} elements checked`);
  });
});
