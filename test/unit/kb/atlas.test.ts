/**
 * The MITRE ATLAS catalogue: the bundled facts against MITRE's official ATLAS.yaml (read here
 * with a separate, deliberately naive walk, so the check does not trust the extraction it
 * checks), the run-time loader, its behaviour on junk, links, the reverse index and
 * "did you mean".
 *
 * The official file lives outside the repository, at `<repo>/../shared/kb/ATLAS.yaml`; the tests
 * that need it say so and skip when it is absent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, sharedKbFileOrSkip } from '../../support/sharedKb';
import {
  atlasCatalogueFromYaml,
  atlasIdKind,
  atlasUrl,
  bundledAtlasCatalogue,
  normaliseAtlasId,
  suggestAtlasId,
  type AtlasCatalogue,
} from '../../../src/core/kb/atlas';
import {
  compareAtlasIds,
  extractAtlasCatalogueData,
  serializeAtlasCatalogueData,
} from '../../../src/core/kb/atlasExtract';

const repoRoot = REPO_ROOT;
const bundledJsonPath = join(repoRoot, 'src', 'core', 'kb', 'atlas-catalogue.json');

/** Skips the calling suite, visibly, when the official ATLAS.yaml is not beside the repository. */
function officialTextOrSkip(context: Mocha.Context): string {
  return readFileSync(
    sharedKbFileOrSkip(context, 'ATLAS.yaml', 'the checks against the official ATLAS data'),
    'utf8',
  );
}

interface OfficialEntry {
  id: string;
  name: string;
  tactics?: string[];
  'subtechnique-of'?: string;
  techniques?: { id: string }[];
  [key: string]: unknown;
}

interface OfficialMatrix {
  tactics: OfficialEntry[];
  techniques: OfficialEntry[];
  mitigations: OfficialEntry[];
}

/** A naive read of the official file: yaml's default (core) schema keeps dates as strings. */
function readOfficial(text: string): { version: string; matrix: OfficialMatrix } {
  const root = parse(text) as { version: string; matrices: OfficialMatrix[] };
  assert.equal(root.matrices.length, 1, 'ATLAS 5.6.0 has one matrix');
  return { version: root.version, matrix: root.matrices[0] as OfficialMatrix };
}

describe('ATLAS catalogue: bundled facts against the official ATLAS.yaml', function () {
  let official: { version: string; matrix: OfficialMatrix };
  let text: string;
  const catalogue = bundledAtlasCatalogue();

  before(function () {
    text = officialTextOrSkip(this);
    official = readOfficial(text);
  });

  it('has the counts of ATLAS 5.6.0: 16 tactics, 170 techniques (69 sub-techniques), 35 mitigations', () => {
    assert.equal(catalogue.version, official.version);
    assert.equal(catalogue.version, '5.6.0');
    assert.equal(catalogue.tactics.size, 16);
    assert.equal(catalogue.techniques.size, 170);
    assert.equal(
      [...catalogue.techniques.values()].filter((t) => t.parent !== undefined).length,
      69,
    );
    assert.equal(catalogue.mitigations.size, 35);
    assert.equal(catalogue.tactics.size, official.matrix.tactics.length);
    assert.equal(catalogue.techniques.size, official.matrix.techniques.length);
    assert.equal(catalogue.mitigations.size, official.matrix.mitigations.length);
  });

  it('resolves every official id, with the official name, and holds no id ATLAS lacks', () => {
    const officialIds = new Set<string>();
    for (const entry of [
      ...official.matrix.tactics,
      ...official.matrix.techniques,
      ...official.matrix.mitigations,
    ]) {
      officialIds.add(entry.id);
      assert.ok(catalogue.hasId(entry.id), `${entry.id} resolves`);
      assert.equal(catalogue.nameOf(entry.id), entry.name, `${entry.id} is named as in ATLAS`);
    }
    for (const id of [
      ...catalogue.tactics.keys(),
      ...catalogue.techniques.keys(),
      ...catalogue.mitigations.keys(),
    ]) {
      assert.ok(officialIds.has(id), `${id} is an ATLAS id`);
    }
  });

  it('keeps each technique’s tactics and each sub-technique’s parent', () => {
    for (const entry of official.matrix.techniques) {
      const technique = catalogue.technique(entry.id);
      assert.ok(technique);
      assert.deepEqual(
        [...technique.tactics].sort(),
        [...(entry.tactics ?? [])].sort(),
        `${entry.id} tactics`,
      );
      assert.equal(technique.parent, entry['subtechnique-of'], `${entry.id} parent`);
    }
  });

  it('keeps every mitigation link, including the two ATLAS 5.6.0 misfiled under ml-lifecycle', () => {
    let pairs = 0;
    for (const entry of official.matrix.mitigations) {
      const expected = new Set((entry.techniques ?? []).map((link) => link.id));
      // The quirk: a {id, use} link inside `ml-lifecycle` (AML.M0018 and AML.M0034).
      for (const item of (entry['ml-lifecycle'] as unknown[] | undefined) ?? []) {
        if (typeof item === 'object' && item !== null && 'id' in item)
          expected.add(String(item.id));
      }
      pairs += expected.size;
      assert.deepEqual(
        catalogue.mitigation(entry.id)?.techniques,
        [...expected].sort(compareAtlasIds),
        `${entry.id} links`,
      );
    }
    assert.equal(pairs, 246, '244 unique pairs under `techniques` plus the 2 misfiled ones');
    assert.ok(catalogue.mitigation('AML.M0018')?.techniques.includes('AML.T0052.001'));
    assert.ok(catalogue.mitigation('AML.M0034')?.techniques.includes('AML.T0052.001'));
  });

  it('keeps the tactics in matrix (kill-chain) order', () => {
    assert.deepEqual(
      catalogue.tacticOrder,
      official.matrix.tactics.map((t) => t.id),
    );
    assert.equal(catalogue.tacticOrder[0], 'AML.TA0002'); // Reconnaissance
    assert.equal(catalogue.tacticOrder.at(-1), 'AML.TA0011'); // Impact
  });

  it('loads the official file at run time into an identical catalogue, without problems', () => {
    const loaded = atlasCatalogueFromYaml(text);
    assert.deepEqual(loaded.problems, []);
    assert.ok(loaded.catalogue);
    assert.deepEqual(loaded.catalogue.data, catalogue.data);
    assert.deepEqual(
      [...loaded.catalogue.mitigationsByTechnique],
      [...catalogue.mitigationsByTechnique],
    );
  });

  it('the committed atlas-catalogue.json is exactly what the build script makes (not stale)', () => {
    const extraction = extractAtlasCatalogueData(text);
    assert.ok(extraction.data);
    assert.equal(
      serializeAtlasCatalogueData(extraction.data),
      readFileSync(bundledJsonPath, 'utf8'),
      'run: npx tsx scripts/build-atlas-catalogue.ts',
    );
    assert.equal(
      extraction.notes.length,
      2,
      'the two misfiled links are noted for the build script',
    );
  });

  it('a file cut short gives problems, never a silently partial catalogue or an exception', () => {
    const lines = text.split('\n');
    const cutAtLine = (fraction: number) =>
      lines.slice(0, Math.floor(lines.length * fraction)).join('\n') + '\n';
    for (const fraction of [0.01, 0.05, 0.2, 0.4, 0.5]) {
      const result = atlasCatalogueFromYaml(cutAtLine(fraction));
      assert.ok(
        result.problems.length > 0,
        `cut at ${fraction * 100}% of the lines gives problems`,
      );
    }
    // In the middle of the mitigations: usable, but warned about.
    const inMitigations = atlasCatalogueFromYaml(text.slice(0, text.indexOf('- id: AML.M0020')));
    assert.ok(inMitigations.catalogue);
    assert.match(inMitigations.problems.map((p) => p.message).join('\n'), /cut short/);
    // Mid-line, inside a quoted description: a YAML error, no catalogue.
    const midQuote = atlasCatalogueFromYaml(text.slice(0, text.indexOf("description: '") + 30));
    assert.equal(midQuote.catalogue, undefined);
    assert.ok(midQuote.problems.length > 0);
  });
});

describe('ATLAS catalogue: run-time loader on junk', () => {
  const junk: [string, string][] = [
    ['empty text', ''],
    ['only whitespace and comments', '  \n# nothing here\n'],
    [
      'binary',
      '\u0000\u0001\u0002PK\u0003\u0004' +
        String.fromCharCode(...Array.from({ length: 200 }, (_, i) => (i * 37) % 256)),
    ],
    [
      'binary without NUL bytes',
      String.fromCharCode(...Array.from({ length: 300 }, (_, i) => 128 + ((i * 53) % 128))),
    ],
    ['a YAML list', '- AML.T0024\n- AML.T0051\n'],
    ['a scalar', 'just some words\n'],
    ['a mapping of something else', 'mltm: 1\nname: Card fraud scoring\ncomponents: {}\n'],
    ['no matrices', 'id: ATLAS\nversion: 5.6.0\n'],
    ['matrices that is not a list', 'version: 5.6.0\nmatrices: nope\n'],
    [
      'no version',
      'matrices:\n- tactics: [{id: AML.TA0000, name: T}]\n  techniques: [{id: AML.T0000, name: X, tactics: [AML.TA0000]}]\n  mitigations: [{id: AML.M0000, name: M, techniques: [{id: AML.T0000}]}]\n',
    ],
    [
      'no techniques',
      'version: 5.6.0\nmatrices:\n- tactics: [{id: AML.TA0000, name: T}]\n  mitigations: [{id: AML.M0000, name: M}]\n',
    ],
    ['YAML syntax error', 'version: 5.6.0\nmatrices: [{{{\n'],
    [
      'merge-conflict markers',
      'version: 5.6.0\n<<<<<<< HEAD\nmatrices: []\n=======\nmatrices: [x]\n>>>>>>> other\n',
    ],
    ['deep nesting', 'version: 5.6.0\nmatrices: ' + '['.repeat(500) + ']'.repeat(500) + '\n'],
    [
      'an alias bomb',
      'version: 5.6.0\na: &a [x, x, x, x, x, x, x, x, x, x]\n' +
        Array.from(
          { length: 9 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
              .fill('*' + String.fromCharCode(97 + i))
              .join(', ')}]`,
        ).join('\n') +
        '\nmatrices: [{techniques: *j}]\n',
    ],
  ];
  for (const [what, text] of junk) {
    it(`${what}: problems, no catalogue, no exception`, () => {
      const result = atlasCatalogueFromYaml(text);
      assert.equal(result.catalogue, undefined);
      assert.ok(result.problems.length > 0, 'at least one problem');
      for (const problem of result.problems) {
        assert.equal(typeof problem.message, 'string');
        assert.ok(problem.message.length > 0);
        if (problem.offset !== undefined)
          assert.ok(problem.offset >= 0 && problem.offset <= text.length, 'offset inside the text');
      }
    });
  }

  it('an alias bomb is refused as one', () => {
    const bomb = junk.find(([what]) => what === 'an alias bomb')?.[1] ?? '';
    assert.match(
      atlasCatalogueFromYaml(bomb)
        .problems.map((p) => p.message)
        .join('\n'),
      /alias/i,
    );
  });

  it('flawed entries are left out with located problems; every id left in resolves', () => {
    const text = [
      'version: 5.7.0',
      'matrices:',
      '- tactics:',
      '  - {id: AML.TA0000, name: AI Model Access}',
      '  - {id: AML.TX9, name: Bad id}',
      '  techniques:',
      '  - {id: AML.T0001, name: One, tactics: [AML.TA0000, AML.TA0099]}',
      '  - {id: AML.T0001.000, name: One sub, subtechnique-of: AML.T0001}',
      '  - {id: AML.T0002.000, name: Orphan, subtechnique-of: AML.T0002}',
      '  - {id: AML.T0003}',
      '  - {id: AML.T0001, name: Duplicate}',
      '  - just a string',
      '  mitigations:',
      '  - {id: AML.M0000, name: Mit, techniques: [{id: AML.T0001, use: x}, {id: AML.T0404, use: y}, {use: z}]}',
      'case-studies: []',
      '',
    ].join('\n');
    const result = atlasCatalogueFromYaml(text);
    const catalogue = result.catalogue;
    assert.ok(catalogue);
    assert.equal(catalogue.version, '5.7.0');
    assert.deepEqual(
      [...catalogue.techniques.keys()],
      ['AML.T0001', 'AML.T0001.000', 'AML.T0002.000'],
    );
    assert.equal(catalogue.nameOf('AML.T0001'), 'One', 'the first definition wins');
    assert.deepEqual(catalogue.technique('AML.T0001')?.tactics, ['AML.TA0000']);
    assert.equal(
      catalogue.technique('AML.T0002.000')?.parent,
      undefined,
      'a dangling parent is dropped',
    );
    assert.deepEqual(catalogue.mitigation('AML.M0000')?.techniques, ['AML.T0001']);
    assert.deepEqual(
      catalogue.tacticsOf('AML.T0001.000'),
      ['AML.TA0000'],
      'inherited from the parent',
    );

    const messages = result.problems.map((p) => p.message);
    const expectAt = (pattern: RegExp, needle: string) => {
      const found = result.problems.find((p) => pattern.test(p.message));
      assert.ok(found, `a problem matching ${pattern} among:\n${messages.join('\n')}`);
      assert.equal(
        found.offset,
        text.indexOf(needle),
        `${pattern} is located at ${JSON.stringify(needle)}`,
      );
    };
    expectAt(/`AML\.TX9`/, 'AML.TX9');
    expectAt(/tactic `AML\.TA0099`/, 'AML.TA0099');
    expectAt(/parent `AML\.T0002`/, 'AML.T0002}');
    expectAt(/`AML\.T0003` has no name/, '{id: AML.T0003}');
    expectAt(/`AML\.T0001` appears more than once/, '{id: AML.T0001, name: Duplicate}');
    expectAt(/should be a mapping/, 'just a string');
    expectAt(/technique `AML\.T0404`/, '{id: AML.T0404');
    expectAt(/has no `id`/, '{use: z}');
    assert.equal(result.problems.length, 8, messages.join('\n'));
  });

  it('keeps the version as written, even an unquoted number (5.10 stays 5.10)', () => {
    const text =
      'version: 5.10\nmatrices:\n- tactics: [{id: AML.TA0000, name: T}]\n  techniques: [{id: AML.T0000, name: X, tactics: [AML.TA0000]}]\n  mitigations: [{id: AML.M0000, name: M, techniques: [{id: AML.T0000}]}]\ncase-studies: []\n';
    const result = atlasCatalogueFromYaml(text);
    assert.deepEqual(result.problems, []);
    assert.equal(result.catalogue?.version, '5.10');
  });

  it('keeps dates as text (the core schema does not choke on bare timestamps)', () => {
    const text =
      'version: 5.6.0\nmatrices:\n- tactics: [{id: AML.TA0000, name: T, created_date: 2022-01-24}]\n  techniques: [{id: AML.T0000, name: X, tactics: [AML.TA0000], modified_date: 2025-04-09}]\n  mitigations: [{id: AML.M0000, name: M, techniques: [{id: AML.T0000}]}]\ncase-studies: []\n';
    const result = atlasCatalogueFromYaml(text);
    assert.deepEqual(result.problems, []);
    assert.equal(result.catalogue?.techniques.size, 1);
  });
});

describe('ATLAS catalogue: lookups, links, reverse index', () => {
  const catalogue: AtlasCatalogue = bundledAtlasCatalogue();

  it('is built once and cached', () => {
    assert.equal(bundledAtlasCatalogue(), catalogue);
  });

  it('links every kind of id to its page on atlas.mitre.org', () => {
    assert.equal(catalogue.url('AML.T0024'), 'https://atlas.mitre.org/techniques/AML.T0024');
    assert.equal(
      catalogue.url('AML.T0024.002'),
      'https://atlas.mitre.org/techniques/AML.T0024.002',
    );
    assert.equal(catalogue.url('AML.M0004'), 'https://atlas.mitre.org/mitigations/AML.M0004');
    assert.equal(catalogue.url('AML.TA0000'), 'https://atlas.mitre.org/tactics/AML.TA0000');
    assert.equal(
      atlasUrl('AML.T0999'),
      'https://atlas.mitre.org/techniques/AML.T0999',
      'by form: ids of a newer ATLAS still link',
    );
    for (const bad of [
      '',
      'AML.X0001',
      'aml.t0024',
      'AML.T24',
      'https://evil.example/AML.T0024',
      'AML.T0024/../../x',
      'AML.M0004.001',
    ]) {
      assert.equal(atlasUrl(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(atlasIdKind('AML.TA0001'), 'tactic');
    assert.equal(atlasIdKind('AML.T0001.001'), 'technique');
    assert.equal(atlasIdKind('AML.M0001'), 'mitigation');
  });

  it('looks ids up by kind and by name', () => {
    assert.equal(catalogue.technique('AML.T0024.002')?.name, 'Extract AI Model');
    assert.equal(catalogue.technique('AML.T0024.002')?.parent, 'AML.T0024');
    assert.equal(catalogue.mitigation('AML.M0004')?.name, 'Restrict Number of AI Model Queries');
    assert.equal(catalogue.tactic('AML.TA0000')?.name, 'AI Model Access');
    assert.equal(catalogue.technique('AML.M0004'), undefined);
    assert.equal(catalogue.nameOf('AML.T0051'), 'LLM Prompt Injection');
    assert.equal(catalogue.nameOf('AML.T0045'), undefined, 'retired');
    assert.equal(catalogue.hasId('aml.t0024'), false, 'ids are exact');
    assert.deepEqual(catalogue.subtechniquesOf('AML.T0024'), [
      'AML.T0024.000',
      'AML.T0024.001',
      'AML.T0024.002',
    ]);
  });

  it('gives a sub-technique its parent’s tactics', () => {
    const parentTactics = catalogue.technique('AML.T0024')?.tactics;
    assert.deepEqual(parentTactics, ['AML.TA0010']); // Exfiltration
    assert.deepEqual(
      catalogue.technique('AML.T0024.002')?.tactics,
      [],
      'ATLAS lists none on the sub-technique',
    );
    assert.deepEqual(catalogue.tacticsOf('AML.T0024.002'), parentTactics);
    assert.deepEqual(
      catalogue.tacticsOf('AML.T0015'),
      ['AML.TA0004', 'AML.TA0007', 'AML.TA0011'],
      'a technique under three tactics',
    );
    assert.deepEqual(catalogue.tacticsOf('AML.T9999'), []);
    for (const technique of catalogue.techniques.values()) {
      assert.ok(
        catalogue.tacticsOf(technique.id).length > 0,
        `${technique.id} has a tactic, own or inherited`,
      );
    }
  });

  it('indexes mitigations by technique (ATLAS links only one way)', () => {
    // AML.M0004 Restrict Number of AI Model Queries covers the whole inference-API exfiltration family.
    const m0004 = catalogue.mitigation('AML.M0004')?.techniques ?? [];
    for (const id of ['AML.T0024', 'AML.T0024.000', 'AML.T0024.001', 'AML.T0024.002']) {
      assert.ok(m0004.includes(id), `AML.M0004 → ${id}`);
      assert.ok(catalogue.mitigationsOf(id).includes('AML.M0004'), `${id} → AML.M0004`);
    }
    assert.deepEqual(catalogue.mitigationsOf('AML.T0024'), ['AML.M0004', 'AML.M0019', 'AML.M0024']);
    assert.deepEqual(catalogue.mitigationsOf('AML.T0024.002'), [
      'AML.M0002',
      'AML.M0004',
      'AML.M0024',
    ]);
    assert.deepEqual(catalogue.mitigationsOf('AML.T0024.002', { includeParent: true }), [
      'AML.M0002',
      'AML.M0004',
      'AML.M0019',
      'AML.M0024',
    ]);
    assert.deepEqual(
      catalogue.mitigationsOf('AML.T0052.001'),
      ['AML.M0018', 'AML.M0034'],
      'the misfiled 5.6.0 links count',
    );
    assert.deepEqual(
      catalogue.mitigationsOf('AML.T0070'),
      [],
      'RAG Poisoning has no ATLAS mitigation',
    );
    // AML.M0004 lists AML.T0043.001 twice in ATLAS; the index holds it once.
    assert.equal(m0004.filter((id) => id === 'AML.T0043.001').length, 1);

    // The index is exactly the inverse of the links.
    let pairs = 0;
    for (const mitigation of catalogue.mitigations.values()) {
      for (const techniqueId of mitigation.techniques) {
        assert.ok(
          catalogue.techniques.has(techniqueId),
          `${mitigation.id} → ${techniqueId} resolves`,
        );
        assert.ok(catalogue.mitigationsOf(techniqueId).includes(mitigation.id));
        pairs++;
      }
    }
    const indexed = [...catalogue.mitigationsByTechnique.values()].reduce(
      (sum, ids) => sum + ids.length,
      0,
    );
    assert.equal(indexed, pairs);
    assert.equal(pairs, 246);
    // 96 of 170 by the `techniques` lists alone; AML.T0052.001 is covered only by the misfiled links.
    assert.equal(
      catalogue.techniques.size - catalogue.mitigationsByTechnique.size,
      95,
      '95 of 170 techniques have no ATLAS mitigation',
    );
  });

  it('every reference inside the catalogue resolves', () => {
    for (const technique of catalogue.techniques.values()) {
      for (const tactic of technique.tactics)
        assert.ok(catalogue.tactics.has(tactic), `${technique.id} → ${tactic}`);
      if (technique.parent !== undefined)
        assert.ok(
          catalogue.techniques.has(technique.parent),
          `${technique.id} → ${technique.parent}`,
        );
    }
    for (const id of catalogue.tacticOrder) assert.ok(catalogue.tactics.has(id));
  });
});

describe('ATLAS catalogue: did you mean', () => {
  const catalogue = bundledAtlasCatalogue();
  const cases: [string, string | undefined][] = [
    ['AML.T0045', 'AML.T0048.004'], // retired: ML Intellectual Property Theft → AI Intellectual Property Theft
    ['aml.t0045', 'AML.T0048.004'],
    ['aml.t0024', 'AML.T0024'],
    ['AML-T24', 'AML.T0024'],
    ['T0024.2', 'AML.T0024.002'],
    [' AML.M0004 ', 'AML.M0004'],
    ['AML.TA00', 'AML.TA0000'],
    ['AML.T0024.009', 'AML.T0024'], // unknown sub-technique → its technique
    ['AML.T0O24', 'AML.T0024'], // letter O for zero
    ['AML.T0009', undefined], // retired without successor; the nearest ids tie, so no guess
    ['AML.M0099', undefined],
    ['AML.T0024', undefined], // known: nothing to suggest
    ['Prompt Injection', 'AML.T0051'],
    ['llm prompt injection', 'AML.T0051'],
    ['Extract AI Modl', 'AML.T0024.002'],
    ['restrict number of ai model queries', 'AML.M0004'],
    ['xyz', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected ?? 'no suggestion'}`, () => {
      assert.equal(suggestAtlasId(input, catalogue), expected);
      assert.equal(catalogue.suggest(input), expected);
    });
  }

  it('normalises loosely written ids', () => {
    assert.equal(normaliseAtlasId('aml_t_51'), 'AML.T0051');
    assert.equal(normaliseAtlasId('m4'), 'AML.M0004');
    assert.equal(normaliseAtlasId('AML.M0004.001'), undefined, 'mitigations have no sub-ids');
    assert.equal(normaliseAtlasId('prompt injection'), undefined);
  });
});

describe('ATLAS catalogue: determinism and purity', () => {
  it('orders ids numerically, parents before their sub-techniques', () => {
    const ids = [
      'AML.TA0000',
      'AML.T0024.002',
      'AML.T0100',
      'AML.T0024',
      'AML.M0004',
      'AML.T0024.000',
      'AML.T0025',
      'AML.T00240',
    ];
    assert.deepEqual([...ids].sort(compareAtlasIds), [
      'AML.M0004',
      'AML.T0024',
      'AML.T0024.000',
      'AML.T0024.002',
      'AML.T0025',
      'AML.T0100',
      'AML.T00240',
      'AML.TA0000',
    ]);
  });

  it('serialises the same facts to the same bytes: sorted, two-space JSON, a trailing newline', () => {
    const json = readFileSync(bundledJsonPath, 'utf8');
    const data = bundledAtlasCatalogue().data;
    assert.equal(serializeAtlasCatalogueData(data), json);
    assert.ok(json.endsWith('}\n') && json.startsWith('{\n  "atlasVersion": '));
    for (const list of [data.tactics, data.techniques, data.mitigations]) {
      const ids = list.map((entry) => entry.id);
      assert.deepEqual(ids, [...ids].sort(compareAtlasIds));
    }
    assert.doesNotMatch(json, /"description"|"use"/, 'no MITRE prose in the bundled catalogue');
  });

  it('the catalogue modules import no vscode and no Node built-ins (the core runs in a worker)', () => {
    for (const file of ['atlas.ts', 'atlasExtract.ts']) {
      const source = readFileSync(join(repoRoot, 'src', 'core', 'kb', file), 'utf8');
      const imports = [
        ...source.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm),
      ].map((m) => m[1]);
      for (const specifier of imports) {
        assert.ok(
          specifier !== undefined &&
            !specifier.startsWith('node:') &&
            specifier !== 'vscode' &&
            !['fs', 'path'].includes(specifier),
          `${file} imports ${specifier}`,
        );
      }
    }
  });
});
