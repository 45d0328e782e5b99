/**
 * Issue 16 defect 13 and issue 19 point 4: SARIF locations from any working folder. `#` and `?`
 * in a path were not percent-encoded (the URI pointed at another file: SARIF1002), and a model
 * outside the working folder was a bare absolute path (SARIF1004, one error per result). Now a
 * relative path is an RFC 3986-encoded reference against `%SRCROOT%`, which `originalUriBaseIds`
 * names as the working folder's `file:` URI, and an absolute path is a proper `file:` URI.
 * Checked by Microsoft's SARIF Multitool (the devDependency `@microsoft/sarif-multitool`, a
 * self-contained binary per platform): 0 results for reports made from several folders.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { multitool } from '../../support/sarifMultitool';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { artifactLocation, fileUri } from '../../../src/core/report/sarif';
import { mltm } from '../cli/run';

interface Sarif {
  runs: {
    originalUriBaseIds?: Record<string, { uri: string }>;
    results: {
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
    }[];
  }[];
}

describe('issue 16 defect 13 / issue 19.4: SARIF URIs from any working folder', function () {
  this.timeout(180_000);

  it('percent-encodes #, ?, %, spaces and non-ASCII; absolute paths become file: URIs', () => {
    assert.deepEqual(artifactLocation('models/a b#c?d%e.mltm.yaml'), {
      uri: 'models/a%20b%23c%3Fd%25e.mltm.yaml',
      uriBaseId: '%SRCROOT%',
    });
    assert.deepEqual(artifactLocation('models\\zürich.mltm.yaml'), {
      uri: 'models/z%C3%BCrich.mltm.yaml',
      uriBaseId: '%SRCROOT%',
    });
    assert.deepEqual(artifactLocation('/srv/x#1/m.mltm.yaml'), {
      uri: 'file:///srv/x%231/m.mltm.yaml',
    });
    assert.equal(fileUri('C:\\Users\\a b\\m.mltm.yaml'), 'file:///C:/Users/a%20b/m.mltm.yaml');
    assert.equal(fileUri('\\\\host\\share\\m?.mltm.yaml'), 'file://host/share/m%3F.mltm.yaml');
  });

  it('from three working folders every location resolves to the model and the Multitool reports 0 problems', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mltm-sarif-'));
    const folder = join(root, 'models dir', 'sub#1?x');
    mkdirSync(folder, { recursive: true });
    mkdirSync(join(root, 'elsewhere'));
    const model = join(folder, 'a b#c?d%e.mltm.yaml');
    copyFileSync(resolve('examples/02-model-extraction.mltm.yaml'), model);
    const expected = pathToFileURL(model).href;
    const runs: [string, string][] = [
      [folder, 'a b#c?d%e.mltm.yaml'],
      [join(root, 'models dir'), 'sub#1?x/a b#c?d%e.mltm.yaml'],
      [join(root, 'elsewhere'), model],
      [join(root, 'elsewhere'), '../models dir/sub#1?x/a b#c?d%e.mltm.yaml'],
    ];
    const binary = multitool();
    try {
      for (const [index, [cwd, path]] of runs.entries()) {
        const out = join(root, `r${index}.sarif`);
        // As the binary would run there: relative paths are read from the process's folder.
        const previous = process.cwd();
        process.chdir(cwd);
        const run = await mltm(
          ['report', path, '--format', 'sarif', '--output', out, '--date', '2026-01-01'],
          cwd,
        ).finally(() => process.chdir(previous));
        assert.equal(run.code, 0, run.stderr);
        const sarif = JSON.parse(readFileSync(out, 'utf8')) as Sarif;
        const base = sarif.runs[0]?.originalUriBaseIds?.['%SRCROOT%']?.uri;
        const locations = sarif.runs[0]?.results.flatMap((r) => r.locations) ?? [];
        assert.ok(locations.length > 0);
        for (const { physicalLocation } of locations) {
          const { uri, uriBaseId } = physicalLocation.artifactLocation;
          const resolved = uriBaseId === undefined ? new URL(uri) : new URL(uri, base);
          assert.equal(resolved.href, expected, `${cwd}: ${uri}`);
        }
        const log = join(root, `r${index}.validation.sarif`);
        execFileSync(binary, ['validate', out, '--output', log], { stdio: 'pipe' });
        const validation = JSON.parse(readFileSync(log, 'utf8')) as {
          runs: { results?: unknown[] }[];
        };
        assert.deepEqual(validation.runs[0]?.results ?? [], [], `Multitool findings from ${cwd}`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
