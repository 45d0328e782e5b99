/**
 * The first-run walkthrough as VS Code sees it: contributed by the installed extension, every
 * step's media file shipped, and every command a step links to or completes on declared and
 * registered — so no button of the walkthrough does nothing.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; svg?: string; image?: string; altText?: string };
  completionEvents?: string[];
}

/**
 * Commands another track contributes (the diagram's `mltm.openDiagram`): allowed to be missing
 * only while this build does not declare them; once package.json declares one, it must be registered.
 */
const CONTRIBUTED_ELSEWHERE = new Set(['mltm.openDiagram']);

describe('walkthrough', () => {
  const extension = () => {
    const found = vscode.extensions.getExtension('mltm.mltm');
    assert.ok(found, 'the extension is installed');
    return found;
  };
  const packageJson = () =>
    extension().packageJSON as {
      contributes: {
        walkthroughs?: { id: string; steps: Step[] }[];
        commands: { command: string }[];
      };
    };

  it('is contributed with the five first-run steps, each with media that exists', async () => {
    const walkthrough = packageJson().contributes.walkthroughs?.find(
      (w) => w.id === 'mltm.gettingStarted',
    );
    assert.ok(walkthrough, 'mltm.gettingStarted is contributed');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['createModel', 'openDiagram', 'fixControl', 'syncRegister', 'generateReport'],
    );
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.svg ?? step.media.image;
      assert.ok(media, `${step.id} has media`);
      if (step.media.svg || step.media.image)
        assert.ok(step.media.altText, `${step.id}: an image has alt text`);
      const bytes = await vscode.workspace.fs.readFile(
        vscode.Uri.joinPath(extension().extensionUri, media),
      );
      assert.ok(bytes.byteLength > 200, `${step.id}: ${media} is shipped and not empty`);
      assert.ok((step.completionEvents ?? []).length > 0, `${step.id} completes on an event`);
    }
    // VS Code accepts it: opening the walkthrough by its id does not throw.
    await vscode.commands.executeCommand(
      'workbench.action.openWalkthrough',
      'mltm.mltm#mltm.gettingStarted',
      false,
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('links and completes only on commands that are declared and registered', async () => {
    const walkthrough = packageJson().contributes.walkthroughs?.find(
      (w) => w.id === 'mltm.gettingStarted',
    );
    assert.ok(walkthrough);
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = new Set(packageJson().contributes.commands.map((c) => c.command));
    const referenced = new Set<string>();
    for (const step of walkthrough.steps) {
      for (const match of step.description.matchAll(/\(command:([\w.]+)\)/g))
        referenced.add(match[1] as string);
      for (const event of step.completionEvents ?? [])
        if (event.startsWith('onCommand:')) referenced.add(event.slice('onCommand:'.length));
    }
    for (const id of [
      'mltm.newModelFromTemplate',
      'mltm.openDiagram',
      'mltm.syncRegister',
      'mltm.generateReport',
    ])
      assert.ok(referenced.has(id), `a step uses ${id}`);
    for (const id of referenced) {
      if (!id.startsWith('mltm.')) {
        assert.ok(registered.has(id), `VS Code command ${id} exists`);
        continue;
      }
      if (CONTRIBUTED_ELSEWHERE.has(id) && !declared.has(id)) continue;
      assert.ok(declared.has(id), `${id} is declared in package.json`);
      assert.ok(registered.has(id), `${id} is registered`);
    }
  });
});
