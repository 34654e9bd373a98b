// The wizard's prompt box refuses what cannot be sent as the user types; results open without a new editor group.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { dismissQuickInput, spyOnWindow, useEmulator, waitFor, workspacePath, workspaceUri } from './support';

type Validate = (value: string) => vscode.InputBoxValidationMessage | string | undefined | null;

function severityOf(answer: ReturnType<Validate>): vscode.InputBoxValidationSeverity | 'none' {
  if (answer === undefined || answer === null) return 'none';
  return typeof answer === 'string' ? vscode.InputBoxValidationSeverity.Error : answer.severity;
}

function messageOf(answer: ReturnType<Validate>): string {
  return typeof answer === 'string' ? answer : (answer?.message ?? '');
}

describe('the palette wizard and where results open', () => {
  const env = useEmulator();

  it('refuses an empty or blank prompt in the box as an error, so Enter keeps the user in the step', async function () {
    this.timeout(20_000);
    const inputBoxes = spyOnWindow('showInputBox');
    const uri = workspaceUri('landscape.png');
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand('runcomfy.edit', uri, [uri])).finally(() => {
      settled = true;
    });
    await waitFor('the prompt box', () => inputBoxes.calls.length === 1);
    const options = inputBoxes.calls[0][0] as vscode.InputBoxOptions;
    assert.equal(typeof options.validateInput, 'function');
    // The wizard checks the prompt at once: an answer that is a promise would fail the asserts below.
    const validate = (value: string) => options.validateInput?.(value) as ReturnType<Validate>;
    for (const value of ['', '   ', '\n\t']) {
      const answer = validate(value);
      assert.equal(severityOf(answer), vscode.InputBoxValidationSeverity.Error, `${JSON.stringify(value)} → ${JSON.stringify(answer)}`);
      assert.match(messageOf(answer), /Write a prompt that describes the edit/);
    }
    assert.equal(severityOf(validate('x'.repeat(801))), vscode.InputBoxValidationSeverity.Error);
    const fine = validate('Sky');
    assert.equal(severityOf(fine), vscode.InputBoxValidationSeverity.Info);
    assert.equal(messageOf(fine), '3/800');

    await dismissQuickInput('the edit to end', () => settled);
    assert.equal(await running, undefined);
    assert.equal(env.emulator.stats.submits, 0);
  });

  it('opens a result in the panel\'s group when the panel is alone, without a new group', async function () {
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
    await waitFor('the panel in the second group', () => activeViewType()?.includes('runcomfy.panel') && vscode.window.tabGroups.activeTabGroup.viewColumn === vscode.ViewColumn.Two);

    const image = workspacePath('portrait.png');
    await vscode.commands.executeCommand('runcomfy.openResult', image);
    const group = await waitFor('the image tab', () => tabGroupOf(image));
    assert.equal(vscode.window.tabGroups.all.length, 2, 'the groups changed');
    assert.equal(group.viewColumn, vscode.ViewColumn.One, 'the result did not open in the user\'s other group');
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
