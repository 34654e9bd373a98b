// The wizard's prompt box refuses what cannot be sent and offers recent prompts; results open without a new editor group.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  acceptQuickInput,
  delay,
  dismissQuickInput,
  repeatCommandUntil,
  spyOnInputBoxes,
  spyOnQuickPicks,
  spyOnWindow,
  type ShownInputBox,
  useEmulator,
  waitFor,
  workspacePath,
  workspaceUri,
} from './support';

describe('the palette wizard and where results open', () => {
  const env = useEmulator();

  it('refuses an empty or blank prompt in the box as an error, so Enter keeps the user in the step', async function () {
    this.timeout(30_000);
    const inputBoxes = spyOnInputBoxes('');
    const menus = spyOnWindow('showQuickPick');
    const uri = workspaceUri('landscape.png');
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand('runcomfy.edit', uri, [uri])).finally(() => {
      settled = true;
    });
    await waitFor('the prompt box', () => inputBoxes.shown.length === 1);
    const { box } = inputBoxes.shown[0];
    // It opens with the prompt last sent (or empty), never in red.
    assert.notEqual((box.validationMessage as vscode.InputBoxValidationMessage | undefined)?.severity, vscode.InputBoxValidationSeverity.Error);
    for (const value of ['', '   ', '\n\t', 'x'.repeat(801)]) {
      box.validationMessage = undefined;
      box.value = value;
      await repeatCommandUntil(
        'workbench.action.acceptSelectedQuickOpenItem',
        `the error for ${JSON.stringify(value)}`,
        () => box.validationMessage !== undefined,
      );
      const message = box.validationMessage as vscode.InputBoxValidationMessage | undefined;
      assert.equal(message?.severity, vscode.InputBoxValidationSeverity.Error, `${JSON.stringify(value)} → ${JSON.stringify(message)}`);
      if (value.length < 800) assert.match(message.message, /Write a prompt that describes the edit/);
      assert.equal(settled, false, 'Enter on a prompt that cannot be sent left the step');
      assert.equal(menus.calls.length, 0);
    }

    await dismissQuickInput('the edit to end', () => settled);
    assert.equal(await running, undefined);
    assert.equal(env.emulator.stats.submits, 0);
  });

  it('offers recent prompts from the prompt box; Escape there comes back to the box, and the chosen prompt is the one sent', async function () {
    this.timeout(60_000);
    const { emulator } = env;
    const sent = 'Paint the barn a deep red';
    const inputBoxes = spyOnInputBoxes();
    const menus = spyOnWindow('showQuickPick');
    const { pickers, hidden } = spyOnQuickPicks();

    async function edit(image: string, step: (box: ShownInputBox) => Promise<void>): Promise<void> {
      const uri = workspaceUri(image);
      let settled = false;
      const before = inputBoxes.shown.length;
      const menusBefore = menus.calls.length;
      const running = Promise.resolve(vscode.commands.executeCommand('runcomfy.edit', uri, [uri])).finally(() => (settled = true));
      await waitFor('the prompt box', () => inputBoxes.shown.length === before + 1);
      await step(inputBoxes.shown[before]);
      await acceptQuickInput('the options menu', () => menus.calls.length > menusBefore || settled);
      await acceptQuickInput('the submit', () => settled);
      await running;
    }

    // A prompt sent from the wizard joins the recent prompts.
    await edit('landscape.png', async ({ box }) => {
      box.value = sent;
    });
    assert.equal(emulator.stats.submits, 1);

    // Another image, so this is not the same edit again (which would be asked about first).
    await edit('portrait.png', async (shown) => {
      const { box } = shown;
      assert.ok(
        box.buttons.some((b) => b.tooltip === 'Recent prompts'),
        'the box has no "Recent prompts" button',
      );
      box.value = 'A draft the user is still writing';
      shown.pressButton(/Recent prompts/);
      await waitFor('the recent prompts', () => pickers.length === 1 && pickers[0].items.length > 0);
      const labels = pickers[0].items.map((i) => i.label);
      assert.equal(labels[0], sent, 'the prompt sent last is not first');
      assert.equal(labels.filter((l) => l === sent).length, 1);
      assert.equal(pickers[0].title, 'Recent prompts');

      // Escape leaves the list, not the wizard: the box is back with the draft.
      await dismissQuickInput(
        'the prompt box again',
        () => box.value === 'A draft the user is still writing' && inputBoxes.shown.length === 2 && hidden.has(pickers[0]),
      );
      await delay(300);
      assert.equal(menus.calls.length, 1, 'Escape in the recent prompts left the prompt step');
      shown.pressButton(/Recent prompts/);
      await waitFor('the recent prompts again', () => pickers.length === 2 && pickers[1].items.length > 0);
      await acceptQuickInput('the chosen prompt in the box', () => box.value === sent);
    });
    assert.equal(emulator.stats.submits, 2);
    assert.equal((emulator.stats.submitBodies[1] as { prompt: string }).prompt, sent);
  });

  it("opens a result in the panel's group when the panel is alone, without a new group", async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    await vscode.commands.executeCommand('runcomfy.openPanel');
    await waitFor('the panel tab', () => activeViewType()?.includes('runcomfy.panel'));
    assert.equal(vscode.window.tabGroups.all.length, 1);

    const image = workspacePath('portrait.png');
    await vscode.commands.executeCommand('runcomfy.openResult', image);
    await waitFor('the image tab', () => tabGroupOf(image) !== undefined);
    assert.equal(vscode.window.tabGroups.all.length, 1, 'a new editor group was opened');
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
  });

  it('opens a result in a group the user already has, leaving the panel shown in its own', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    await vscode.commands.executeCommand('vscode.open', workspaceUri('landscape.png'), { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('workbench.action.newGroupRight');
    await vscode.commands.executeCommand('runcomfy.openPanel');
    await waitFor(
      'the panel in the second group',
      () => activeViewType()?.includes('runcomfy.panel') && vscode.window.tabGroups.activeTabGroup.viewColumn === vscode.ViewColumn.Two,
    );

    const image = workspacePath('portrait.png');
    await vscode.commands.executeCommand('runcomfy.openResult', image);
    const group = await waitFor('the image tab', () => tabGroupOf(image));
    assert.equal(vscode.window.tabGroups.all.length, 2, 'the groups changed');
    assert.equal(group.viewColumn, vscode.ViewColumn.One, "the result did not open in the user's other group");
    const panelGroup = vscode.window.tabGroups.all[1];
    const input = panelGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputWebview && input.viewType.includes('runcomfy.panel'), 'the panel is no longer the shown tab of its group');
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
  });
});

function activeViewType(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputWebview ? input.viewType : undefined;
}

function tabGroupOf(file: string): vscode.TabGroup | undefined {
  return vscode.window.tabGroups.all.find((group) =>
    group.tabs.some((tab) => {
      const input = tab.input;
      return (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) && input.uri.fsPath === file;
    }),
  );
}
