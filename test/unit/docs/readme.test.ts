/**
 * The README stays true: its complete model example is a valid model, its command-line
 * section documents every command of the CLI table with every option the command accepts, and
 * its executive-summary excerpt is what the report of that example says (the report golden).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COMMANDS } from '../../../src/cli/main';
import { loadModel } from '../../../src/core/model/load';

const README = readFileSync('README.md', 'utf8');

function section(name: string): string {
  const start = README.indexOf(`<!-- section: ${name} -->`);
  const end = README.indexOf(`<!-- /section: ${name} -->`);
  assert.ok(start >= 0 && end > start, `README section ${name} is missing`);
  return README.slice(start, end);
}

describe('README', () => {
  it("the model section's complete example is a valid model with no problems", () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(section('model'))?.[1];
    assert.ok(example, 'no yaml example in the model section');
    const { model, problems } = loadModel(example);
    assert.deepEqual(problems, []);
    assert.ok(
      model &&
        model.components.length >= 5 &&
        model.flows.length >= 5 &&
        model.boundaries.length >= 3,
    );
  });

  for (const entry of COMMANDS) {
    it(`the cli section documents \`mltm ${entry.name}\` and its options`, async () => {
      const command = await entry.load();
      assert.equal(command.name, entry.name, 'the table names the command it loads');
      const cli = section('cli');
      const start = cli.indexOf(`### \`mltm ${command.name}\``);
      assert.ok(start >= 0, `no subsection for mltm ${command.name}`);
      const next = cli.indexOf('\n### ', start + 1);
      const subsection = cli.slice(start, next < 0 ? undefined : next);
      for (const option of Object.keys(command.options))
        assert.ok(subsection.includes(`--${option}`), `--${option} is not documented`);
    });
  }

  it('the executive-summary excerpt is what the report of that example says (its golden)', () => {
    const start = README.indexOf('```markdown\n## Executive summary');
    assert.ok(start >= 0, 'no executive-summary excerpt');
    const body = README.slice(start + '```markdown\n'.length, README.indexOf('\n…\n```', start));
    const golden = readFileSync('test/golden/reports/02-model-extraction.md', 'utf8');
    assert.ok(
      README.slice(0, start).endsWith('From `examples/02-model-extraction` (excerpt):\n\n'),
    );
    assert.ok(golden.includes(body), 'the README excerpt differs from the report golden');
  });
});
