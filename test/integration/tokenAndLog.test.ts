// The API token: required, sent as a bearer header to the API only, never stored in settings or written to the log file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  clearToken,
  findExtensionLogFile,
  findUserSettingsFile,
  modelPath,
  rejectionOf,
  resultsDir,
  resultsOf,
  runEdit,
  setToken,
  testToken,
  useEmulator,
  waitFor,
} from './support';

/** Every token value these tests hand to the extension; none may ever show up in a file. */
const wrongToken = 'rc-wrong-token-93b7d2c4';

describe('API token and log', () => {
  const env = useEmulator();

  it('with no token set, the automation call is refused with a message about the token and nothing is sent', async () => {
    const { emulator } = env;
    assert.equal(process.env.RUNCOMFY_API_TOKEN, undefined, 'RUNCOMFY_API_TOKEN is set in the extension host');
    await clearToken();
    const edit = await rejectionOf(runEdit({ images: ['landscape.png'], prompt: 'No token yet' }));
    assert.match(edit, /No RunComfy API token is set\. Run "RunComfy: Set API Token"/);
    const resumed = await rejectionOf(vscode.commands.executeCommand('runcomfy.resume', '3f2a9c1e-7b6d-4e0f-9a51-2c8d7e6b1a90'));
    assert.match(resumed, /No RunComfy API token is set/);
    assert.equal(emulator.stats.requests.length, 0);
  });

  it('sends the token as "Authorization: Bearer <token>" to the API only; a pasted "Bearer " prefix is stripped', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    // The emulator accepts only the bare token: "Bearer Bearer …" would be refused.
    await setToken(`  Bearer ${testToken}  `);
    const answer = await runEdit({ images: ['landscape.png'], prompt: 'Token check', wait: true });
    assert.equal(answer.status, 'succeeded', `answer: ${JSON.stringify(answer)}`);
    const api = emulator.stats.requests.filter((r) => r.path.startsWith('/v1/'));
    const files = emulator.stats.requests.filter((r) => r.path.startsWith('/files/'));
    assert.ok(api.length >= 3, `only ${api.length} API requests were seen`);
    assert.ok(
      api.every((r) => r.authorization),
      'an API request went out without the token',
    );
    assert.equal(files.length, 2);
    assert.ok(
      files.every((r) => !r.authorization),
      'a result download carried the token',
    );
    assert.equal(emulator.stats.authHeadersOnDownloads, 0);
  });

  it('a token the service refuses fails the submit with a clear message, once, with no job created', async () => {
    const { emulator } = env;
    await setToken(wrongToken);
    const message = await rejectionOf(runEdit({ images: ['landscape.png'], prompt: 'Wrong token', wait: true }));
    assert.match(message, /RunComfy refused the API token/);
    assert.equal(emulator.stats.submits, 1, 'a paid submit must never be retried');
    assert.equal(emulator.stats.jobsCreated, 0);
  });

  it('falls back to RUNCOMFY_API_TOKEN from the environment when none is stored', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    await clearToken();
    process.env.RUNCOMFY_API_TOKEN = testToken;
    const answer = await runEdit({ images: ['portrait.png'], prompt: 'Environment token', forceSingle: true, wait: true });
    assert.equal(answer.status, 'succeeded');
    assert.ok(emulator.stats.requests.filter((r) => r.path.startsWith('/v1/')).every((r) => r.authorization));
  });

  it('keeps the token out of settings, sidecars and the log file, which does trace each request', async function () {
    this.timeout(25_000);
    const { emulator } = env;
    const before = await vscode.commands.executeCommand<string>('_extensionTests.getLogLevel');
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'debug');
    try {
      await setToken(testToken);
      const answer = await runEdit({ images: ['landscape.png'], prompt: 'Log check', wait: true });
      assert.equal(answer.status, 'succeeded');
      await vscode.commands.executeCommand('runcomfy.showLog');

      const logFile = await waitFor('the RunComfy log file', () => findExtensionLogFile());
      const log = await waitFor(
        'request traces in the log file',
        () => {
          const text = fs.readFileSync(logFile, 'utf8');
          return text.includes(`POST ${modelPath}`) &&
            text.includes(`/v1/requests/${answer.requestId}/status`) &&
            text.includes(`submitted ${answer.requestId}`)
            ? text
            : undefined;
        },
        10_000,
        200,
      );
      for (const secret of [testToken, wrongToken]) {
        assert.ok(!log.includes(secret), `the log file ${logFile} contains a token`);
      }
      assert.ok(!/Bearer\s+(?!«redacted»)\S/.test(log), 'the log file contains a bearer header');

      const settings = JSON.stringify(vscode.workspace.getConfiguration('runcomfy'));
      assert.ok(!settings.includes(testToken), 'the token is in the runcomfy settings');
      const settingsFile = findUserSettingsFile();
      assert.ok(settingsFile, 'the user settings.json was not found');
      const settingsText = fs.readFileSync(settingsFile, 'utf8');
      assert.ok(settingsText.includes(emulator.baseUrl), `${settingsFile} is not the settings file in use`);
      assert.ok(!settingsText.includes(testToken), 'the token is in the user settings.json');

      for (const result of resultsOf(resultsDir(), answer.requestId)) {
        assert.ok(!fs.readFileSync(result.sidecar, 'utf8').includes(testToken), 'a sidecar contains the token');
      }
    } finally {
      await vscode.commands.executeCommand('_extensionTests.setLogLevel', before ?? 'info');
    }
  });
});
