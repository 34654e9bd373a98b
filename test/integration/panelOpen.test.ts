// runcomfy.openPanel in the real workbench: the webview paints and says ready, and a second call reuses the one panel.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ToWebview, parseMessage } from '../../src/protocol/messages';
import { mergeMetrics, replaceWindowFunction, useEmulator, waitFor, workspacePath, workspaceUri } from './support';

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('runcomfy.panel'));
}

describe('runcomfy.openPanel in the workbench', () => {
  useEmulator();

  it('opens the panel, which paints and says ready; a second call with an image adds it to the same panel', async function () {
    this.timeout(40_000);
    const created: vscode.WebviewPanel[] = [];
    const posted: ToWebview[] = [];
    const received: unknown[] = [];
    // Watch the panel the extension creates, and what it posts to the real webview and hears back from it.
    replaceWindowFunction('createWebviewPanel', (original, ...args) => {
      const panel = original(...args) as vscode.WebviewPanel;
      created.push(panel);
      const post = panel.webview.postMessage.bind(panel.webview);
      panel.webview.postMessage = (message: unknown) => {
        const parsed = parseMessage(ToWebview, message);
        assert.ok(parsed.ok, `posted an invalid message: ${JSON.stringify(message).slice(0, 200)}`);
        posted.push(parsed.message);
        return post(message);
      };
      panel.webview.onDidReceiveMessage((m) => received.push(m));
      return panel;
    });

    const answer = await vscode.commands.executeCommand<{ readyMs: number }>('runcomfy.openPanel');
    assert.equal(typeof answer?.readyMs, 'number', `the command answered ${JSON.stringify(answer)}`);
    assert.ok(answer.readyMs >= 0, `the panel never said ready: ${answer.readyMs}`);
    mergeMetrics({ panelFirstPaintMs: answer.readyMs });

    assert.equal(created.length, 1);
    const panel = created[0];
    assert.equal(panel.title, 'RunComfy Edit');
    assert.deepEqual(received[0], { type: 'ready' }, 'the webview did not open with ready');
    const first = posted[0];
    assert.equal(first?.type, 'state', 'the first message to the webview is not the full state');
    const portrait = workspacePath('portrait.png');
    assert.ok(first.type === 'state' && !first.state.draft.images.some((i) => i.path === portrait), 'the draft already held the image');
    assert.match(panel.webview.html, /default-src 'none'/);
    await waitFor('one panel tab', () => panelTabs().length === 1);
    assert.equal(panelTabs()[0].label, 'RunComfy Edit');

    const before = posted.length;
    const again = await vscode.commands.executeCommand<{ readyMs: number }>('runcomfy.openPanel', workspaceUri('portrait.png'));
    assert.equal(typeof again?.readyMs, 'number', `the second open answered ${JSON.stringify(again)}`);
    mergeMetrics({ panelReopenReadyMs: again.readyMs });
    assert.equal(created.length, 1, 'a second panel was created');
    // Added, then checked by the host (format and size known), as the panel shows it.
    const draft = await waitFor('the image in the draft, checked', () =>
      posted
        .slice(before)
        .map((m) => (m.type === 'draft' ? m.draft : undefined))
        .find((d) => d?.images.some((i) => i.path === portrait && !i.checking)),
    );
    const added = draft.images.find((i) => i.path === portrait)!;
    assert.deepEqual([added.label, added.format, added.width, added.height, added.problems], ['portrait.png', 'png', 48, 64, []]);
    assert.ok(
      posted.slice(before).some((m) => m.type === 'showView' && m.view === 'compose'),
      'the panel was not switched to compose',
    );
    assert.equal(panelTabs().length, 1, 'more than one RunComfy Edit tab');
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'RunComfy Edit').length, 1);

    // The test profile is thrown away after the run, so the image left in the stored draft goes with it.
    panel.dispose();
    await waitFor('the panel tab closed', () => panelTabs().length === 0);
  });
});
