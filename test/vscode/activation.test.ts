/**
 * Activation: opening a model activates mltm, which registers its commands.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { openExample } from './helpers';

describe('activation', () => {
  it('activates when a model is opened and registers its commands', async () => {
    await openExample('06-unauthenticated-resnet.mltm.yaml');
    const extension = vscode.extensions.getExtension('mltm.mltm');
    assert.ok(extension, 'the extension under development is installed');
    await extension.activate();
    assert.equal(extension.isActive, true);
    const exports = extension.exports as { activationMs?: number };
    assert.equal(typeof exports.activationMs, 'number');
    // Recorded, not asserted: speed is measured, never gated by a timed test.
    const dir = process.env['MLTM_VSCODE_TRACE_DIR'];
    if (dir)
      writeFileSync(
        join(dir, 'vscode-activation.json'),
        JSON.stringify({ activationMs: exports.activationMs }, null, 2),
      );
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'mltm.syncRegister',
      'mltm.addControl',
      'mltm.setThreatStatus',
      'mltm.revealElement',
    ])
      assert.ok(commands.includes(id), `${id} registered`);
  });
});
