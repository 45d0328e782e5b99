/**
 * The committed reference docs (docs/*.md) are what `npm run docs` generates from the schemas,
 * the problem catalogue and the built-in rules, so they never drift from the code. When this
 * fails after a change to one of those, run `npm run docs` and commit the result.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { generateDocs } from '../../../scripts/docs/generate';
import { PROBLEM_CODES, problemDocsUrl } from '../../../src/core/problems';
import { COMPONENT_KINDS, CONTROL_KINDS } from '../../../src/core/model/vocabulary';

describe('generated docs', () => {
  const docs = generateDocs();

  for (const [path, content] of docs) {
    it(`${path} is up to date (run \`npm run docs\` if not)`, () => {
      assert.ok(existsSync(path), `${path} is missing`);
      assert.equal(readFileSync(path, 'utf8'), content);
    });
  }

  it('problems.md has an anchor for every code, matching problemDocsUrl()', () => {
    const text = docs.get('docs/problems.md') ?? '';
    for (const [code, info] of Object.entries(PROBLEM_CODES)) {
      const fragment = problemDocsUrl(code).split('#')[1];
      assert.equal(fragment, code.toLowerCase());
      assert.ok(
        text.includes(
          `<a id="${fragment}"></a>\n\n### ${code} — ${info.title}\n\nSeverity: **${info.severity}**`,
        ),
        code,
      );
    }
  });

  it('model-format.md lists every component kind and control kind', () => {
    const text = docs.get('docs/model-format.md') ?? '';
    for (const value of [...COMPONENT_KINDS.values, ...CONTROL_KINDS.values])
      assert.ok(text.includes(`| \`${value}\` |`), value);
  });

  it('rules.md names ATLAS techniques from the bundled catalogue', () => {
    assert.match(
      docs.get('docs/rules.md') ?? '',
      /\[AML\.T0029\]\(https:\/\/atlas\.mitre\.org\/techniques\/AML\.T0029\) Denial of AI Service/,
    );
  });
});
