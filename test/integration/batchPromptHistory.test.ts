// A batch's prompt joins the recent prompts the palette wizard offers, once the batch is started; a dismissed batch leaves them as they were.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SUMMARY_FILE } from '../../src/batch/summary';
import { makePng } from '../support/images';
import {
  acceptQuickInput,
  delay,
  dismissQuickInput,
  replaceWindowFunction,
  resultsDir,
  spyOnInputBoxes,
  spyOnQuickPicks,
  spyOnWindow,
  useEmulator,
  waitFor,
  within,
  workspaceUri,
  writeScratchFile,
} from './support';

/** Whether a batch folder under the results says it is finished. */
function aBatchFinished(): boolean {
  if (!fs.existsSync(resultsDir())) return false;
  return fs
    .readdirSync(resultsDir())
    .filter((name) => name.startsWith('batch-'))
    .some((name) => {
      const summary = path.join(resultsDir(), name, SUMMARY_FILE);
      return fs.existsSync(summary) && (JSON.parse(fs.readFileSync(summary, 'utf8')) as { state?: string }).state === 'finished';
    });
}

describe('recent prompts from a batch', () => {
  const env = useEmulator();

  it("a started batch puts its prompt first in the palette wizard's recent prompts; a dismissed one adds nothing", async function () {
    this.timeout(120_000);
    const { emulator } = env;
    const dismissedPrompt = 'Dismissed batch: never sent, never remembered';
    const batchPrompt = 'Batch: the same soft studio light on every photo';
    writeScratchFile('shoot/a.png', makePng(96, 80, { shade: 40 }));
    writeScratchFile('shoot/b.png', makePng(80, 96, { shade: 160 }));
    const folder = workspaceUri('scratch', 'shoot');
    const inputBoxes = spyOnInputBoxes();
    const menus = spyOnWindow('showQuickPick');
    let confirm = false;
    const modals: string[] = [];
    replaceWindowFunction('showInformationMessage', (original, ...args) => {
      const options = args[1] as vscode.MessageOptions | undefined;
      if (options && typeof options === 'object' && options.modal) {
        modals.push(String(args[0]));
        return Promise.resolve(confirm ? (args[2] as string) : undefined);
      }
      return original(...args);
    });

    /** Goes through the batch wizard on the scratch folder with `prompt`; the confirmation is answered by `confirm`. */
    async function batch(prompt: string): Promise<unknown> {
      const boxesBefore = inputBoxes.shown.length;
      const menusBefore = menus.calls.length;
      const modalsBefore = modals.length;
      const running = Promise.resolve(vscode.commands.executeCommand('runcomfy.editBatch', folder, [folder]));
      await waitFor('the reference step', () => menus.calls.length === menusBefore + 1, 20_000);
      await acceptQuickInput('the prompt box', () => inputBoxes.shown.length === boxesBefore + 1);
      inputBoxes.shown[boxesBefore].box.value = prompt;
      await acceptQuickInput('the options menu', () => menus.calls.length === menusBefore + 2);
      await acceptQuickInput('the confirmation', () => modals.length === modalsBefore + 1);
      return within('the batch command', running, 20_000);
    }

    assert.equal(await batch(dismissedPrompt), undefined);
    assert.equal(emulator.stats.submits, 0);
    confirm = true;
    const answer = (await batch(batchPrompt)) as { count?: number } | undefined;
    assert.equal(answer?.count, 2);
    await waitFor('the batch to finish', aBatchFinished, 60_000, 200);
    assert.equal(emulator.stats.submits, 2);
    assert.ok(emulator.stats.submitBodies.every((body) => (body as { prompt: string }).prompt === batchPrompt));

    // The palette wizard's prompt box offers it under "Recent prompts", newest first.
    const { pickers, hidden } = spyOnQuickPicks();
    const image = workspaceUri('landscape.png');
    let settled = false;
    const boxesBefore = inputBoxes.shown.length;
    const editing = Promise.resolve(vscode.commands.executeCommand('runcomfy.edit', image, [image])).finally(() => (settled = true));
    await waitFor('the prompt box', () => inputBoxes.shown.length === boxesBefore + 1);
    const shown = inputBoxes.shown[boxesBefore];
    shown.pressButton(/Recent prompts/);
    await waitFor('the recent prompts', () => pickers.length === 1 && pickers[0].items.length > 0);
    const labels = pickers[0].items.map((item) => item.label);
    assert.equal(labels[0], batchPrompt, `the batch's prompt is not first: ${JSON.stringify(labels)}`);
    assert.equal(labels.filter((label) => label === batchPrompt).length, 1);
    assert.ok(!labels.includes(dismissedPrompt), `a dismissed batch's prompt is listed: ${JSON.stringify(labels)}`);

    // Escape twice: out of the list, then out of the wizard; nothing more is sent.
    await dismissQuickInput('the prompt box again', () => hidden.has(pickers[0]));
    await delay(300);
    await dismissQuickInput('the edit to end', () => settled);
    assert.equal(await editing, undefined);
    assert.equal(emulator.stats.submits, 2);
  });
});
