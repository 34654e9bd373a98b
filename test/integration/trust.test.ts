// Money and trust in a real VS Code: outside text never becomes a link, the token never goes out in clear, results stay in the workspace, and a repeat is asked about.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  acceptQuickInput,
  listFiles,
  rejectionOf,
  replaceWindowFunction,
  resultsDir,
  runEdit,
  setSetting,
  spyOnWindow,
  useEmulator,
  waitFor,
  within,
  workspacePath,
  workspaceUri,
  writeScratchFile,
  spyOnInputBoxes,
} from './support';

/** VS Code's notification link syntax (src/vs/base/common/linkedText.ts): what must never reach a message. */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;

function tempFolder(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rc-elsewhere-')));
}

describe('trust: links, the token, the output folder and repeated submits', () => {
  const env = useEmulator();
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a file named like a command link is named in the error, and the notification holds no link', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const name = '[Fix the image](command:workbench.action.quit).png';
    const file = vscode.Uri.file(writeScratchFile(name, 'not an image at all\n'));
    const errors = spyOnWindow('showErrorMessage');
    const result = await within('the refused edit', vscode.commands.executeCommand('runcomfy.edit', file, [file]), 10_000);
    assert.equal(result, undefined);
    assert.equal(errors.calls.length, 1, 'no error was shown');
    const message = String(errors.calls[0][0]);
    assert.match(message, /is not an image that can be read/);
    assert.ok(message.includes('Fix the image') && message.includes('command:workbench.action.quit'), `the file is not named: ${message}`);
    assert.doesNotMatch(message, NOTIFICATION_LINK, `the notification carries a link: ${message}`);
    assert.equal(emulator.stats.submits, 0);
  });

  it('an http:// API address that is not this computer is refused before any request carries the token', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const port = new URL(emulator.baseUrl).port;
    for (const host of ['127.example.com', 'runcomfy.example.test']) {
      await setSetting('apiBaseUrl', `http://${host}:${port}/`);
      const message = await rejectionOf(runEdit({ images: ['landscape.png'], prompt: 'Not over plain http', forceSingle: true }));
      assert.match(message, /runcomfy\.apiBaseUrl/);
      assert.match(message, /unencrypted/);
      assert.match(message, /https:\/\//);
    }
    assert.equal(emulator.stats.requests.length, 0);
  });

  it('a submit answered with a malformed request_id becomes "submission unknown" and is never polled with it', async function () {
    this.timeout(30_000);
    const { emulator } = env;
    const errors = spyOnWindow('showErrorMessage');
    emulator.inject({ route: 'submit', kind: 'http', status: 200, body: { request_id: '../../[x](command:y)' }, after: 'accept' });
    const answer = await runEdit({ images: ['landscape.png'], prompt: 'A broken id', forceSingle: true, wait: true });
    assert.equal(answer.status, 'submissionUnknown');
    assert.match(answer.error ?? '', /request_id/);
    assert.equal(emulator.stats.submits, 1);
    await waitFor('the error shown to the user', () => errors.calls.some((c) => /request_id/.test(String(c[0]))), 10_000);
    for (const call of errors.calls) assert.doesNotMatch(String(call[0]), NOTIFICATION_LINK);
    // A later job polled until it is saved shows the poller has run since: a tracked malformed id would have been polled too.
    emulator.nextJob({ queueMs: 100, runMs: 300 });
    const control = await runEdit({ images: ['portrait.png'], prompt: 'Polled meanwhile', forceSingle: true, wait: true });
    assert.equal(control.status, 'succeeded');
    assert.deepEqual(
      emulator.stats.requests.filter((r) => r.path.startsWith('/v1/requests/') && !r.path.includes(control.requestId)).map((r) => r.path),
      [],
      'polled with a malformed id',
    );
  });

  describe('the output folder', () => {
    it('refuses a results folder committed as a symlink to elsewhere: nothing is submitted, nothing written there', async function () {
      this.timeout(20_000);
      const { emulator } = env;
      const elsewhere = tempFolder();
      cleanups.push(() => fs.rmSync(elsewhere, { recursive: true, force: true }));
      fs.symlinkSync(elsewhere, resultsDir(), 'dir');
      const message = await rejectionOf(runEdit({ images: ['landscape.png'], prompt: 'Through a link', forceSingle: true, wait: true }));
      assert.match(message, /outside the workspace folder/);
      assert.ok(message.includes(elsewhere), `the message does not say where it leads: ${message}`);
      assert.equal(emulator.stats.submits, 0, 'money was spent on results that cannot be saved');
      assert.deepEqual(fs.readdirSync(elsewhere), []);

      const opened = await vscode.commands.executeCommand('runcomfy.openOutputFolder');
      assert.equal(opened, undefined, 'the output folder command went through the link');
      assert.deepEqual(fs.readdirSync(elsewhere), []);
    });

    it('writes nothing through a results folder that became a symlink after the submit', async function () {
      this.timeout(30_000);
      const { emulator } = env;
      const elsewhere = tempFolder();
      cleanups.push(() => fs.rmSync(elsewhere, { recursive: true, force: true }));
      emulator.nextJob({ queueMs: 1500, runMs: 1500 });
      const { requestId } = await runEdit({ images: ['landscape.png'], prompt: 'Linked later', forceSingle: true });
      fs.rmSync(resultsDir(), { recursive: true, force: true });
      fs.symlinkSync(elsewhere, resultsDir(), 'dir');
      const errors = spyOnWindow('showWarningMessage');
      await waitFor('the failed save to be announced', () => errors.calls.some((c) => /outside the workspace folder/.test(String(c[0]))), 20_000);
      assert.ok(emulator.job(requestId), 'the job was not created');
      assert.deepEqual(fs.readdirSync(elsewhere), [], 'results were written through the link');
    });

    it("refuses an absolute folder from workspace settings, and allows one from the user's own settings", async function () {
      this.timeout(30_000);
      const { emulator } = env;
      const elsewhere = tempFolder();
      cleanups.push(() => fs.rmSync(elsewhere, { recursive: true, force: true }));
      const config = () => vscode.workspace.getConfiguration('runcomfy');
      await config().update('outputFolder', elsewhere, vscode.ConfigurationTarget.Workspace);
      cleanups.push(async () => {
        await config().update('outputFolder', undefined, vscode.ConfigurationTarget.Workspace);
        fs.rmSync(workspacePath('.vscode'), { recursive: true, force: true });
      });
      await waitFor('the workspace setting', () => config().inspect('outputFolder')?.workspaceValue === elsewhere);
      const message = await rejectionOf(runEdit({ images: ['landscape.png'], prompt: 'Workspace says elsewhere', forceSingle: true }));
      assert.match(message, /outside the workspace folder/);
      assert.equal(emulator.stats.submits, 0);

      await config().update('outputFolder', undefined, vscode.ConfigurationTarget.Workspace);
      await setSetting('outputFolder', elsewhere);
      const answer = await runEdit({ images: ['landscape.png'], prompt: 'I chose elsewhere', forceSingle: true, wait: true });
      assert.equal(answer.status, 'succeeded');
      assert.equal(path.dirname(answer.files![0]), elsewhere);
      assert.ok(listFiles(elsewhere).some((f) => f.endsWith('.png')));
    });
  });

  it('a second identical edit from the Explorer within seconds asks "Submit the same edit again?" before paying', async function () {
    this.timeout(60_000);
    const { emulator } = env;
    const uri = workspaceUri('landscape.png');
    const prompt = 'Same edit, twice';
    spyOnInputBoxes(prompt);
    const menus = spyOnWindow('showQuickPick');
    let answer: string | undefined;
    const questions = replaceWindowFunction('showWarningMessage', (original, ...args) => {
      if (/Submit the same edit again/.test(String(args[0]))) return Promise.resolve(answer);
      return original(...args);
    });

    async function explorerEdit(): Promise<unknown> {
      let settled = false;
      const menusBefore = menus.calls.length;
      const running = Promise.resolve(vscode.commands.executeCommand('runcomfy.edit', uri, [uri])).finally(() => (settled = true));
      await acceptQuickInput('the options menu', () => menus.calls.length > menusBefore || settled);
      await acceptQuickInput('the submit', () => settled);
      return running;
    }

    const first = (await explorerEdit()) as { requestId?: string } | undefined;
    assert.ok(first?.requestId, 'the first edit was not submitted');
    assert.equal(questions.calls.length, 0, 'the first edit was asked about');

    answer = undefined;
    assert.equal(await explorerEdit(), undefined);
    assert.equal(questions.calls.length, 1, 'the repeat was not asked about');
    const [message, options] = questions.calls[0] as [string, vscode.MessageOptions, ...string[]];
    assert.equal(message, 'Submit the same edit again?');
    assert.equal(options.modal, true);
    assert.equal(emulator.stats.submits, 1, 'the declined repeat was paid for');

    answer = 'Submit Again';
    const again = (await explorerEdit()) as { requestId?: string } | undefined;
    assert.ok(again?.requestId);
    assert.equal(emulator.stats.submits, 2);

    // Scripted calls are their callers' decisions: never asked.
    await runEdit({ images: ['landscape.png'], prompt, size: '2048x2048(1:1)', scale: 0.5, forceSingle: false });
    assert.equal(questions.calls.length, 2);
    assert.equal(emulator.stats.submits, 3);
  });
});
