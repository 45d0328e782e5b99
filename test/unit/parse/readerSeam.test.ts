/**
 * The seam between the two YAML readers: `yamlReaderFor` alone decides which one runs, and
 * `MLTM_YAML_READER=library` forces the `yaml` library for every read; the range rules both
 * readers share (`parse/ranges.ts`).
 */
import assert from 'node:assert/strict';
import { readYaml, YAML_READER_ENV, yamlReaderFor } from '../../../src/core/parse/source';
import { blockCollectionRange, endBeforeLineBreaks } from '../../../src/core/parse/ranges';

const TEXT = 'a: 1\nlist:\n  - x\n  - y\ntext: |\n  two\n  lines\n\nlast: z\n';

/** Runs `body` with MLTM_YAML_READER set to `value` (or unset), restoring it after. */
function withReader<T>(value: string | undefined, body: () => T): T {
  const before = process.env[YAML_READER_ENV];
  if (value === undefined) delete process.env[YAML_READER_ENV];
  else process.env[YAML_READER_ENV] = value;
  try {
    return body();
  } finally {
    if (before === undefined) delete process.env[YAML_READER_ENV];
    else process.env[YAML_READER_ENV] = before;
  }
}

describe('YAML reader seam', () => {
  it('the fast reader goes first unless a writer asks for the document', () => {
    withReader(undefined, () => {
      assert.equal(yamlReaderFor({}), 'fast');
      assert.equal(yamlReaderFor({ document: true }), 'library');
      // The fast path builds no library document; the library path always does.
      assert.equal(readYaml(TEXT, 'model').document, undefined);
      assert.ok(readYaml(TEXT, 'model', undefined, { document: true }).document);
    });
  });

  it('MLTM_YAML_READER=library forces the library for every read; any other value does not', () => {
    withReader('library', () => {
      assert.equal(yamlReaderFor({}), 'library');
      assert.ok(readYaml(TEXT, 'model').document, 'read by the library');
    });
    withReader('fast', () => assert.equal(yamlReaderFor({}), 'fast'));
    withReader('', () => assert.equal(yamlReaderFor({}), 'fast'));
  });

  it('both readers give the same value and ranges for the same text', () => {
    const fast = withReader(undefined, () => readYaml(TEXT, 'model'));
    const library = withReader('library', () => readYaml(TEXT, 'model'));
    assert.equal(fast.document, undefined);
    assert.ok(library.document);
    assert.deepEqual(fast.value, library.value);
    assert.deepEqual([...fast.sourceMap], [...library.sourceMap]);
    // The block scalar ends with its last line, not after the line breaks that follow it.
    const text = fast.sourceMap.get('/text')?.value;
    assert.equal(TEXT.slice(text?.start, text?.end), '|\n  two\n  lines');
    // The block sequence ends with its last item.
    const list = fast.sourceMap.get('/list')?.value;
    assert.equal(TEXT.slice(list?.start, list?.end), '- x\n  - y');
  });

  it('the shared range rules', () => {
    assert.equal(endBeforeLineBreaks('ab\r\n\n', 0, 5), 2);
    assert.equal(endBeforeLineBreaks('\n\n', 1, 2), 1, 'never before the start');
    assert.deepEqual(blockCollectionRange(3, 9), { start: 3, end: 9 });
  });
});
