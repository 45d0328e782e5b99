/**
 * Accepting an attack path in a real VS Code: the Fix Plan view's *Accept Attack Path…* (on an
 * open path's context menu and inline) writes the decision into the register's `paths:` through
 * a WorkspaceEdit, as a threat's status is written; the view then shows the path accepted; a
 * cancelled justification or an unknown path writes nothing.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { MltmApi } from '../../src/extension/extension';
import { fixture, open, waitFor } from './helpers';

/** The access path client → query → api, to the endpoint's confidentiality. */
const PATH = 'path-745867fee042868f';

function api(): MltmApi {
  const extension = vscode.extensions.getExtension<MltmApi>('mltm.mltm');
  assert.ok(extension?.isActive, 'mltm is active');
  return extension.exports;
}

const pathItem = async (id: string) =>
  (await api().fixPlanTreeItems()).find(
    (i) => i.command?.command === 'mltm.showAttackPath' && i.command.arguments[1] === id,
  );

const readText = (uri: vscode.Uri) =>
  vscode.workspace.fs.readFile(uri).then(
    (b) => new TextDecoder().decode(b),
    () => undefined,
  );

describe('attack paths: Accept Attack Path from the Fix Plan view', () => {
  const model = fixture('paths', 'gate.mltm.yaml');
  const registerUri = fixture('paths', 'gate.threats.yaml');

  before(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await open(model);
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it("is on an open path's context menu and inline, and not in the command palette", () => {
    const manifest = vscode.extensions.getExtension('mltm.mltm')?.packageJSON as {
      contributes: { menus: Record<string, { command: string; when: string; group?: string }[]> };
    };
    const entries = manifest.contributes.menus['view/item/context']?.filter(
      (m) => m.command === 'mltm.acceptAttackPath',
    );
    assert.deepEqual(
      entries?.map((m) => [m.when, m.group?.split('@')[0]]),
      [
        ['view == mltm.fixPlan && viewItem == path', 'inline'],
        ['view == mltm.fixPlan && viewItem == path', 'decision'],
      ],
    );
    assert.ok(
      manifest.contributes.menus['commandPalette']?.some(
        (m) => m.command === 'mltm.acceptAttackPath' && m.when === 'false',
      ),
    );
  });

  it('cancelling the justification writes nothing', async () => {
    const item = await waitFor('the path in the Fix Plan view', () => pathItem(PATH), 60_000);
    assert.equal(item.contextValue, 'path');
    const pending = vscode.commands.executeCommand('mltm.acceptAttackPath', model, PATH);
    let settled = false;
    void Promise.resolve(pending).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(settled, false, 'the command waits for the justification');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await pending, false);
    const text = await readText(registerUri);
    assert.ok(text === undefined || !text.includes(PATH), 'nothing written');
  });

  it('an unknown path id is refused and writes nothing', async () => {
    const ok = await vscode.commands.executeCommand(
      'mltm.acceptAttackPath',
      model,
      'path-0123456789abcdef',
      'x',
    );
    assert.equal(ok, false);
    const text = await readText(registerUri);
    assert.ok(text === undefined || !text.includes('path-0123456789abcdef'));
  });

  it('accepting writes the paths: entry and the view shows the path accepted', async () => {
    const ok = await vscode.commands.executeCommand(
      'mltm.acceptAttackPath',
      model,
      PATH,
      'Only partners reach the API.',
    );
    assert.equal(ok, true);
    const onDisk = await waitFor('the register on disk', async () => {
      const text = await readText(registerUri);
      return text?.includes(PATH) ? text : undefined;
    });
    const register = parse(onDisk) as {
      paths: Record<string, Record<string, unknown>>;
      threats: Record<string, unknown>;
    };
    const entry = register.paths[PATH];
    assert.deepEqual(
      [entry?.['kind'], entry?.['entry'], entry?.['target'], entry?.['goal'], entry?.['elements']],
      ['access', 'client', 'api', 'confidentiality', ['client', 'query', 'api']],
    );
    assert.equal(entry?.['status'], 'accepted');
    assert.equal(entry?.['justification'], 'Only partners reach the API.');
    const machine = entry?.['machine'] as Record<string, unknown>;
    assert.equal(machine['decided_status'], 'accepted');
    assert.equal(machine['decided_fingerprint'], machine['fingerprint']);
    assert.ok(Object.keys(register.threats).length > 0, 'the threats were synced too');
    const item = await waitFor(
      'the view to show the path accepted',
      async () => {
        const found = await pathItem(PATH);
        return found?.contextValue === 'path-accepted' ? found : undefined;
      },
      60_000,
    );
    assert.match(item.description, / · accepted$/);
  });
});
