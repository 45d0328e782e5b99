import assert from 'node:assert/strict';
import { planAddControl } from '../../../src/core/edit/addControl';
import { applyEdits } from '../../../src/core/edit/textEdit';
import { loadModel } from '../../../src/core/model/load';

const head = 'mltm: 1\nname: x\ncomponents:\n  a:\n    kind: user\n';

/** Adds one control and returns the new text, checking the result still loads without problems. */
function add(text: string, elementId: string, control: string): string {
  const model = loadModel(text).model;
  assert.ok(model, 'fixture loads');
  const result = planAddControl(text, model, elementId, control);
  assert.deepEqual(result.problems, []);
  const next = result.edit ? applyEdits(text, [result.edit]) : text;
  const reloaded = loadModel(next);
  assert.deepEqual(
    reloaded.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const element =
    reloaded.model?.components.find((c) => c.id === elementId) ??
    reloaded.model?.flows.find((f) => f.id === elementId);
  assert.ok(element?.controls.includes(control), `${control} is on ${elementId}`);
  return next;
}

describe('planAddControl', () => {
  const cases: [string, string, string, string, string][] = [
    [
      'an empty flow list',
      `${head}  b:\n    kind: serving_endpoint\n    controls: []\n`,
      'b',
      'waf',
      '    controls: [waf]\n',
    ],
    [
      'a flow list',
      `${head}  b:\n    kind: serving_endpoint\n    controls: [authn]\n`,
      'b',
      'waf',
      '    controls: [authn, waf]\n',
    ],
    [
      'a block list',
      `${head}  b:\n    kind: serving_endpoint\n    controls:\n      - authn\n    tech: x\n`,
      'b',
      'waf',
      '      - authn\n      - waf\n    tech: x\n',
    ],
    [
      'no list on a block mapping',
      `${head}  b:\n    kind: serving_endpoint\n    tech: x\n`,
      'b',
      'waf',
      '    tech: x\n    controls: [waf]\n',
    ],
    [
      'no list on a flow mapping',
      `${head}  b: {kind: serving_endpoint}\nflows:\n  - {from: a, to: b}\n`,
      'a->b',
      'mtls',
      '  - {from: a, to: b, controls: [mtls]}\n',
    ],
    [
      'a block flow item',
      `${head}  b: {kind: serving_endpoint}\nflows:\n  - from: a\n    to: b\n`,
      'a->b',
      'mtls',
      '    to: b\n    controls: [mtls]\n',
    ],
  ];
  for (const [name, text, id, control, expected] of cases) {
    it(`adds to ${name}`, () => {
      assert.ok(add(text, id, control).includes(expected));
    });
  }

  it('changes nothing when the control is already there', () => {
    const text = `${head}  b:\n    kind: serving_endpoint\n    controls: [waf]\n`;
    const model = loadModel(text).model;
    assert.ok(model);
    assert.deepEqual(planAddControl(text, model, 'b', 'waf'), { problems: [] });
  });

  it('reports an unknown element', () => {
    const model = loadModel(head).model;
    assert.ok(model);
    assert.equal(planAddControl(head, model, 'nope', 'waf').problems[0]?.code, 'MLTM201');
  });

  it('keeps comments around the element', () => {
    const text = `${head}  b:\n    kind: serving_endpoint\n    # why no controls\n    controls: [] # none yet\n`;
    assert.ok(
      add(text, 'b', 'authn').includes('    # why no controls\n    controls: [authn] # none yet\n'),
    );
  });

  it('leaves a comment on the last line of an element on that line', () => {
    const noList = `${head}  b:\n    kind: serving_endpoint\n    tech: x   # vendor image\n  # next component\n  c:\n    kind: user\n`;
    assert.ok(
      add(noList, 'b', 'waf').includes(
        '    tech: x   # vendor image\n    controls: [waf]\n  # next component\n',
      ),
    );
    const blockList = `${head}  b:\n    kind: serving_endpoint\n    controls:\n      - authn # via the gateway\n`;
    assert.ok(
      add(blockList, 'b', 'waf').includes('      - authn # via the gateway\n      - waf\n'),
    );
    const crlf = noList.replace(/\n/g, '\r\n');
    assert.ok(
      add(crlf, 'b', 'waf').includes(
        '    tech: x   # vendor image\r\n    controls: [waf]\r\n  # next component\r\n',
      ),
    );
  });
});
