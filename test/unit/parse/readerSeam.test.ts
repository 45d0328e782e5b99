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

  it('both readers agree on control, C1, bidi and line-separator characters written raw', () => {
    // Characters the output must write inert (issue 16 defect 12): whichever reader reads them,
    // the value, the problems and the ranges are the same.
    const codes = [0x01, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9b, 0x9f];
    codes.push(0xa0, 0x200b, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069, 0xfeff, 0xfffe);
    const shapes = (ch: string) => [
      `name: Shop${ch}x\nkind: llm_app\n`,
      `name: Shop${ch}\nkind: llm_app\n`,
      `name: "Shop${ch}x"\nkind: llm_app\n`,
      `name: 'Shop${ch}x'\nkind: llm_app\n`,
      `w${ch}b:\n  kind: llm_app\n`,
      `a: { name: W${ch}eb }\n`,
      `name: Shop # c${ch}x\nkind: llm_app\n`,
      `description: |\n  a${ch}b\nkind: llm_app\n`,
    ];
    const seen = (read: ReturnType<typeof readYaml>) => ({
      value: read.value,
      problems: read.problems.map((p) => [p.code, p.message, p.range]),
      ranges: [...read.sourceMap],
    });
    for (const code of codes)
      for (const text of shapes(String.fromCharCode(code))) {
        const fast = withReader(undefined, () => readYaml(text, 'model'));
        const library = withReader('library', () => readYaml(text, 'model'));
        assert.deepEqual(
          seen(fast),
          seen(library),
          `U+${code.toString(16)} in ${JSON.stringify(text)}`,
        );
      }
  });

  it('the shared range rules', () => {
    assert.equal(endBeforeLineBreaks('ab\r\n\n', 0, 5), 2);
    assert.equal(endBeforeLineBreaks('\n\n', 1, 2), 1, 'never before the start');
    assert.deepEqual(blockCollectionRange(3, 9), { start: 3, end: 9 });
  });
});
