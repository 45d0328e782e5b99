/**
 * Custom pack discovery: one table of folder layouts, and the same packs through the core over
 * an in-memory file system, through the CLI's `node:fs` adapter on real folders, and through the
 * editor's `vscode.workspace.fs` adapter over a fake of that surface (bounded by the workspace
 * folder, as the editor is). The real-VS-Code suite repeats one layout in the editor itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCustomPacks } from '../../../src/cli/workspace';
import { workspacePath } from '../../../src/cli/nodeFileSystem';
import { discoverCustomPacks, findRulesRoot } from '../../../src/core/workspace/packs';
import { editorFileSystem } from '../../../src/extension/workspaceFileSystem';
import { fakeEditorFs, memoryFileSystem, writeLayout, type Layout } from './memoryFs';

const pack = (id: string) => `mltm-rules: 1\npack: { id: ${id} }\nrules: []\n`;
const MODEL = 'mltm: 1\nname: x\ncomponents: {}\n';

interface Case {
  readonly name: string;
  readonly layout: Layout;
  /** The model, relative to the layout's root. */
  readonly model: string;
  /** The folder holding the `.mltm` that applies (relative; '' is the root), or undefined. */
  readonly root: string | undefined;
  /** Pack ids, in load order. */
  readonly packs: readonly string[];
}

/** The layouts: every part of the one rule (packs.ts) and its edges. */
export const LAYOUTS: readonly Case[] = [
  {
    name: 'a pack beside the model',
    layout: { '.mltm/rules/team.yaml': pack('team'), 'fraud.mltm.yaml': MODEL },
    model: 'fraud.mltm.yaml',
    root: '',
    packs: ['team'],
  },
  {
    name: 'packs at the repository root, the model two folders down',
    layout: {
      '.git/': '',
      '.mltm/rules/team.yaml': pack('team'),
      'services/ml/fraud.mltm.yaml': MODEL,
    },
    model: 'services/ml/fraud.mltm.yaml',
    root: '',
    packs: ['team'],
  },
  {
    name: 'the nearest .mltm wins over one further up',
    layout: {
      '.git/': '',
      '.mltm/rules/top.yaml': pack('top'),
      'svc/.mltm/rules/svc.yaml': pack('svc'),
      'svc/fraud.mltm.yml': MODEL,
    },
    model: 'svc/fraud.mltm.yml',
    root: 'svc',
    packs: ['svc'],
  },
  {
    name: 'a .mltm without rules/ is the root: no packs, and nothing further up',
    layout: { '.mltm/rules/top.yaml': pack('top'), 'svc/.mltm/': '', 'svc/m.mltm.yaml': MODEL },
    model: 'svc/m.mltm.yaml',
    root: 'svc',
    packs: [],
  },
  {
    name: 'not past the repository root (.git folder)',
    layout: {
      '.mltm/rules/outer.yaml': pack('outer'),
      'repo/.git/': '',
      'repo/m.mltm.yaml': MODEL,
    },
    model: 'repo/m.mltm.yaml',
    root: undefined,
    packs: [],
  },
  {
    name: 'not past a worktree or submodule root (.git file)',
    layout: {
      '.mltm/rules/outer.yaml': pack('outer'),
      'repo/.git': 'gitdir: ../.git/worktrees/repo\n',
      'repo/a/m.mltm.yaml': MODEL,
    },
    model: 'repo/a/m.mltm.yaml',
    root: undefined,
    packs: [],
  },
  {
    name: '.mltm and .git in the same folder: that folder',
    layout: { 'repo/.git/': '', 'repo/.mltm/rules/x.yml': pack('x'), 'repo/m.mltm.yaml': MODEL },
    model: 'repo/m.mltm.yaml',
    root: 'repo',
    packs: ['x'],
  },
  {
    name: 'a file named .mltm is not a rules root',
    layout: {
      '.mltm/rules/top.yaml': pack('top'),
      'svc/.mltm': 'not a folder',
      'svc/m.mltm.yaml': MODEL,
    },
    model: 'svc/m.mltm.yaml',
    root: '',
    packs: ['top'],
  },
  {
    name: 'only .yaml and .yml files of rules/ itself, in code-unit order',
    layout: {
      '.mltm/rules/b.yml': pack('b'),
      '.mltm/rules/B.yaml': pack('b-upper'),
      '.mltm/rules/a.yaml': pack('a'),
      '.mltm/rules/README.md': '# not a pack',
      '.mltm/rules/old/c.yaml': pack('c'),
      'm.mltm.yaml': MODEL,
    },
    model: 'm.mltm.yaml',
    root: '',
    packs: ['b-upper', 'a', 'b'],
  },
  {
    name: 'no .mltm anywhere up to the repository root',
    layout: { '.git/': '', 'a/b/m.mltm.yaml': MODEL },
    model: 'a/b/m.mltm.yaml',
    root: undefined,
    packs: [],
  },
];

const ROOT = '/work/repo';
const relative = (root: string, path: string | undefined) =>
  path === undefined ? undefined : path === root ? '' : path.slice(root.length + 1);

describe('custom pack discovery: one rule for the CLI and the editor', () => {
  for (const c of LAYOUTS) {
    describe(c.name, () => {
      it('core over an in-memory file system', async () => {
        const fs = memoryFileSystem(ROOT, c.layout);
        const found = await discoverCustomPacks(fs, `${ROOT}/${c.model}`);
        assert.equal(relative(ROOT, found.root), c.root);
        assert.deepEqual(
          found.packs.map((p) => p.id),
          c.packs,
        );
        assert.deepEqual(found.problems, []);
      });

      it('CLI adapter (node:fs) on a real folder', async () => {
        const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mltm-layout-')));
        try {
          writeLayout(dir, c.layout);
          const found = await loadCustomPacks(join(dir, ...c.model.split('/')));
          const root = workspacePath(dir, '.');
          assert.equal(
            relative(root, found.root === undefined ? undefined : workspacePath(dir, found.root)),
            c.root,
          );
          assert.deepEqual(
            found.packs.map((p) => p.id),
            c.packs,
          );
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('editor adapter (vscode.workspace.fs surface), bounded by the workspace folder', async () => {
        const fs = editorFileSystem(fakeEditorFs(ROOT, c.layout), (path) => ({
          scheme: 'memfs' as const,
          path,
        }));
        const found = await discoverCustomPacks(fs, `${ROOT}/${c.model}`, ROOT);
        assert.equal(relative(ROOT, found.root), c.root);
        assert.deepEqual(
          found.packs.map((p) => p.id),
          c.packs,
        );
      });
    });
  }

  it('the editor stops at the workspace folder; the CLI looks above it (up to .git)', async () => {
    const layout = { '.mltm/rules/top.yaml': pack('top'), 'ws/m.mltm.yaml': MODEL };
    const fs = memoryFileSystem(ROOT, layout);
    assert.equal(await findRulesRoot(fs, `${ROOT}/ws/m.mltm.yaml`, `${ROOT}/ws`), undefined);
    assert.equal(await findRulesRoot(fs, `${ROOT}/ws/m.mltm.yaml`), ROOT);
  });

  it('a broken pack is reported with its text and left out; the others load', async () => {
    const fs = memoryFileSystem(ROOT, {
      '.mltm/rules/a.yaml': pack('a'),
      '.mltm/rules/b.yaml': 'mltm-rules: 1\nrules: [ {',
      'm.mltm.yaml': MODEL,
    });
    const found = await discoverCustomPacks(fs, `${ROOT}/m.mltm.yaml`);
    assert.deepEqual(
      found.packs.map((p) => p.id),
      ['a'],
    );
    assert.equal(found.problems.length, 1);
    assert.equal(found.problems[0]?.file, `${ROOT}/.mltm/rules/b.yaml`);
    assert.equal(found.problems[0]?.text, 'mltm-rules: 1\nrules: [ {');
    assert.ok(found.problems[0]?.problems.some((p) => p.severity === 'error'));
  });
});
