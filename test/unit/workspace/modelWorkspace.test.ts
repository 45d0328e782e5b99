/**
 * The model workspace over an in-memory file system: naming both ways for `.mltm.yaml` and
 * `.mltm.yml`, the session (register loaded and checked, open documents first), the ATLAS
 * override, the report refusal the CLI and the editor share, and the pure decisions that moved
 * out of the extension (auto-sync, minimal edit, completion context).
 */
import assert from 'node:assert/strict';
import { completionContext } from '../../../src/core/edit/completionContext';
import { applyEdits, minimalEdit } from '../../../src/core/edit/textEdit';
import { analyze } from '../../../src/core/analysis';
import { shouldAutoSync } from '../../../src/core/workspace/autoSync';
import { ModelWorkspace } from '../../../src/core/workspace/modelWorkspace';
import {
  modelPathCandidates,
  modelPathForRegister,
  registerPathFor,
} from '../../../src/core/workspace/naming';
import { baseName, joinPath, parentOf } from '../../../src/core/workspace/paths';
import { reportRefusal } from '../../../src/core/workspace/report';
import { memoryFileSystem, type Layout } from './memoryFs';

const MODEL = `mltm: 1
name: Fraud scoring
boundaries:
  internet: { name: Internet, trust: untrusted }
components:
  client: { kind: external_client, boundary: internet }
  scorer: { kind: serving_endpoint }
flows:
  - { from: client, to: scorer }
`;
const TODAY = '2026-01-01';
const workspace = (layout: Layout, openText?: Record<string, string>) =>
  new ModelWorkspace({
    fs: memoryFileSystem('/repo', { '.git/': '', ...layout }),
    ...(openText && { openText: (path: string) => openText[path] }),
  });

describe('model workspace', () => {
  describe('paths', () => {
    it('parent, base name and join, roots included', () => {
      assert.equal(parentOf('/a/b/c.yaml'), '/a/b');
      assert.equal(parentOf('/a'), '/');
      assert.equal(parentOf('/'), '/');
      assert.equal(parentOf('C:/x/y'), 'C:/x');
      assert.equal(parentOf('C:/x'), 'C:/');
      assert.equal(parentOf('C:/'), 'C:/');
      assert.equal(baseName('/a/b/c.yaml'), 'c.yaml');
      assert.equal(joinPath('/', 'a', 'b'), '/a/b');
      assert.equal(joinPath('/a', '.mltm', 'rules'), '/a/.mltm/rules');
    });
  });

  describe('naming, both ways, both extensions', () => {
    it('a model of either extension has <name>.threats.yaml beside it', () => {
      assert.equal(registerPathFor('/r/fraud.mltm.yaml'), '/r/fraud.threats.yaml');
      assert.equal(registerPathFor('/r/fraud.mltm.yml'), '/r/fraud.threats.yaml');
      assert.deepEqual(modelPathCandidates('/r/fraud.threats.yaml'), [
        '/r/fraud.mltm.yaml',
        '/r/fraud.mltm.yml',
      ]);
    });

    it('a register belongs to the .mltm.yml model when that is the one that exists', async () => {
      const fs = memoryFileSystem('/r', { 'fraud.mltm.yml': MODEL, 'fraud.threats.yaml': '' });
      assert.equal(await modelPathForRegister(fs, '/r/fraud.threats.yaml'), '/r/fraud.mltm.yml');
    });

    it('an open (unsaved) model counts before the disk; .mltm.yaml is the default', async () => {
      const fs = memoryFileSystem('/r', {});
      assert.equal(await modelPathForRegister(fs, '/r/x.threats.yaml'), '/r/x.mltm.yaml');
      assert.equal(
        await modelPathForRegister(fs, '/r/x.threats.yml', (p) => p === '/r/x.mltm.yml'),
        '/r/x.mltm.yml',
      );
    });
  });

  describe('sessions', () => {
    it('a .mltm.yml model is analysed with its register, checked against the analysis', async () => {
      const ws = workspace({
        'fraud.mltm.yml': MODEL,
        'fraud.threats.yaml': 'mltm-register: 1\nmodel: other.mltm.yaml\nthreats: {}\n',
      });
      const opened = await ws.open('/repo/fraud.mltm.yml', { today: TODAY });
      const session = opened.session;
      assert.ok(session);
      assert.equal(session.analysis.status, 'loaded');
      assert.equal(session.registerPath, '/repo/fraud.threats.yaml');
      assert.equal(session.register.status, 'read');
      if (session.register.status !== 'read') return;
      assert.ok(session.register.register);
      // The check names the model by its file name, .yml included.
      const mismatch = session.register.problems.find((p) => p.code === 'MLTM307');
      assert.ok(mismatch, 'the register of another model is reported');
      assert.match(mismatch.message, /fraud\.mltm\.yml/);
    });

    it('open documents are read before the disk (unsaved edits count)', async () => {
      const ws = workspace(
        { 'm.mltm.yaml': 'mltm: 1\ncomponents: [' },
        { '/repo/m.mltm.yaml': MODEL, '/repo/m.threats.yaml': 'mltm-register: 1\nthreats: {}\n' },
      );
      const { session } = await ws.open('/repo/m.mltm.yaml', { today: TODAY });
      assert.equal(session?.analysis.status, 'loaded');
      assert.equal(session?.register.status, 'read');
    });

    it('an unreadable model gives located problems and no session', async () => {
      const ws = workspace({ 'folder.mltm.yaml/': '' });
      const opened = await ws.open('/repo/folder.mltm.yaml', { today: TODAY });
      assert.equal(opened.session, undefined);
      assert.match(opened.problems[0]?.message ?? '', /is a folder, not a file/);
      assert.equal(opened.problems[0]?.code, 'MLTM012', 'the folder code the CLI uses too');
      const missing = await ws.open('/repo/none.mltm.yaml', { today: TODAY });
      assert.match(missing.problems[0]?.message ?? '', /no such file/);
    });

    it('an ATLAS override that is not ATLAS data is reported, and the analysis uses the bundled one', async () => {
      const ws = workspace({ 'm.mltm.yaml': MODEL, 'atlas.yaml': 'just: text\n' });
      const { session } = await ws.open('/repo/m.mltm.yaml', {
        today: TODAY,
        atlasPath: '/repo/atlas.yaml',
        atlasLabel: 'atlas.yaml',
      });
      assert.ok(session?.atlas);
      assert.equal(session.atlas.catalogue, undefined);
      assert.equal(session.atlas.problems[0]?.code, 'MLTM406');
      assert.match(session.atlas.problems[0]?.message ?? '', /atlas\.yaml/);
      assert.equal(session.analysis.atlas.version, analyze(MODEL).atlas.version);
      assert.match(reportRefusal(session)?.reason ?? '', /ATLAS file has errors/);
    });

    it('packs are cached per folder until forgotten', async () => {
      const ws = workspace({
        'm.mltm.yaml': MODEL,
        '.mltm/rules/a.yaml': 'mltm-rules: 1\npack: { id: a }\nrules: []\n',
      });
      const first = await ws.customPacks('/repo/m.mltm.yaml');
      assert.equal(await ws.customPacks('/repo/m.mltm.yaml'), first);
      ws.forgetPacks();
      assert.notEqual(await ws.customPacks('/repo/m.mltm.yaml'), first);
    });
  });

  describe('report refusal (mltm report, mltm check and Generate Report)', () => {
    const refusalOf = async (layout: Layout) => {
      const { session } = await workspace(layout).open('/repo/m.mltm.yaml', { today: TODAY });
      assert.ok(session);
      return reportRefusal(session, (p) => p.slice('/repo/'.length));
    };

    it('none for a valid model and register', async () => {
      assert.equal(
        await refusalOf({
          'm.mltm.yaml': MODEL,
          'm.threats.yaml': 'mltm-register: 1\nthreats: {}\n',
        }),
        undefined,
      );
    });

    it('a model with errors, a register that does not load, a broken pack: every file listed', async () => {
      const refusal = await refusalOf({
        'm.mltm.yaml': MODEL.replace('kind: serving_endpoint', 'kind: serving_endpont'),
        'm.threats.yaml': '[not, a, register]\n',
        '.mltm/rules/bad.yaml': 'mltm-rules: 1\nrules: [ {',
      });
      assert.ok(refusal);
      assert.match(refusal.reason, /^the model has an error; fix it first/);
      assert.deepEqual(
        refusal.files.map((f) => f.path),
        ['/repo/m.mltm.yaml', '/repo/m.threats.yaml', '/repo/.mltm/rules/bad.yaml'],
      );
      assert.ok(refusal.files.every((f) => f.problems.length > 0));
    });

    it('a pack with errors names the pack', async () => {
      const refusal = await refusalOf({
        'm.mltm.yaml': MODEL,
        '.mltm/rules/bad.yaml': 'mltm-rules: 1\nrules: [ {',
      });
      assert.match(refusal?.reason ?? '', /\(\.mltm\/rules\/bad\.yaml\)/);
    });
  });

  describe('decisions that used to live in vscode files', () => {
    it('auto-sync: only a model, only when enabled, only when it loaded', () => {
      const good = analyze(MODEL);
      const broken = analyze('mltm: 1\ncomponents: [');
      assert.equal(shouldAutoSync({ path: '/r/m.mltm.yml', enabled: true, analysis: good }), true);
      assert.equal(
        shouldAutoSync({ path: '/r/m.mltm.yaml', enabled: false, analysis: good }),
        false,
      );
      assert.equal(shouldAutoSync({ path: '/r/m.yaml', enabled: true, analysis: good }), false);
      assert.equal(
        shouldAutoSync({ path: '/r/m.mltm.yaml', enabled: true, analysis: broken }),
        false,
      );
      assert.equal(
        shouldAutoSync({ path: '/r/m.mltm.yaml', enabled: true, analysis: undefined }),
        false,
      );
    });

    it('minimalEdit: one edit, only the changed middle, that turns before into after', () => {
      const before = 'a: 1\nb: 2\nc: 3\n';
      const after = 'a: 1\nb: 20\nc: 3\n';
      const edit = minimalEdit(before, after);
      assert.deepEqual(edit, { range: { start: 9, end: 9 }, newText: '0' });
      assert.equal(applyEdits(before, [edit]), after);
      assert.deepEqual(minimalEdit('same', 'same'), { range: { start: 4, end: 4 }, newText: '' });
      assert.equal(applyEdits('', [minimalEdit('', 'new\n')]), 'new\n');
    });

    it('completionContext: the key being typed and its top-level section', () => {
      const lines = ['components:', '  scorer:', '    kind: serv', '    controls:', '      - mt'];
      assert.deepEqual(completionContext(lines, 2, 14), { key: 'kind', section: 'components' });
      assert.deepEqual(completionContext(lines, 4, 10), { key: 'controls', section: 'components' });
      assert.equal(completionContext(['name: x'], 0, 2), undefined);
    });
  });
});
