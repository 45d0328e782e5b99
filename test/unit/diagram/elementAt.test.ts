import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import { elementAtOffset } from '../../../src/extension/diagram/elementAt';

describe('diagram: element under the editor cursor', () => {
  const text = [
    'mltm: 1',
    'name: m',
    'components:',
    '  client: {kind: external_client}',
    '  scorer:',
    '    kind: serving_endpoint',
    '    controls: [authn]',
    'flows:',
    '  - id: score',
    '    from: client',
    '    to: scorer',
    '',
  ].join('\n');
  const analysis = analyze(text);

  it('finds the component whose YAML holds the cursor', () => {
    assert.equal(elementAtOffset(analysis, text.indexOf('serving_endpoint')), 'scorer');
    assert.equal(elementAtOffset(analysis, text.indexOf('controls:')), 'scorer');
    assert.equal(elementAtOffset(analysis, text.indexOf('external_client')), 'client');
  });

  it('finds the component when the cursor is on its id key (integration: the cursor on `scorer:`)', () => {
    assert.equal(elementAtOffset(analysis, text.indexOf('  scorer:') + 2), 'scorer');
    assert.equal(
      elementAtOffset(analysis, text.indexOf('  scorer:') + '  scorer:'.length),
      'scorer',
    );
    assert.equal(elementAtOffset(analysis, text.indexOf('  client:') + 4), 'client');
    assert.equal(elementAtOffset(analysis, text.indexOf('id: score') + 5), 'score');
  });

  it('finds the flow, not the components it names', () => {
    assert.equal(elementAtOffset(analysis, text.indexOf('from: client')), 'score');
    assert.equal(elementAtOffset(analysis, text.indexOf('to: scorer') + 5), 'score');
  });

  it('finds nothing outside elements, or in a model that does not load', () => {
    assert.equal(elementAtOffset(analysis, text.indexOf('name: m')), undefined);
    assert.equal(elementAtOffset(analyze('not: [valid'), 3), undefined);
  });
});
