// The prompt limit counted as the API's JSON Schema counts it (code points) by the product and by the emulator alike.
import * as assert from 'node:assert/strict';
import { Agent } from 'undici';
import { RunComfyClient } from '../../src/api/client';
import { InputError } from '../../src/api/errors';
import { MAX_PROMPT_LENGTH, promptLength, promptProblem } from '../../src/api/model';
import { EditRequestSchema } from '../../src/api/schemas';
import { parseEditArgs } from '../../src/jobs/editArgs';
import type { InputView } from '../../src/protocol/messages';
import { promptCounter, submitState } from '../../src/webview-ui/viewModel';
import { startEmulator, type Emulator } from '../emulator/server';
import { encodePng } from '../emulator/png';
import { LogCapture } from '../support/logCapture';

/** 800 code points, 1 200 UTF-16 units: half of them emoji outside the BMP. */
const ALLOWED = '🙂a'.repeat(400);
const TOO_LONG = `${ALLOWED}🙂`;
const IMAGE = `data:image/png;base64,${encodePng(64, 64, () => [10, 120, 200]).toString('base64')}`;

describe('prompt length', () => {
  it('is counted in code points', () => {
    assert.equal(ALLOWED.length, 1200);
    assert.equal(promptLength(ALLOWED), 800);
    assert.equal(promptLength(TOO_LONG), 801);
    assert.equal(promptLength('e\u0301'), 2, 'a combining mark is its own code point, as in JSON Schema');
  });

  it('accepts an 800-code-point prompt with emoji and refuses 801 everywhere the product checks it', () => {
    assert.equal(promptProblem(ALLOWED), undefined);
    assert.equal(promptProblem(TOO_LONG), 'The prompt is 801 characters long; the limit is 800.');
    assert.equal(EditRequestSchema.safeParse({ image_urls: [IMAGE], prompt: ALLOWED }).success, true);
    assert.equal(EditRequestSchema.safeParse({ image_urls: [IMAGE], prompt: TOO_LONG }).success, false);
    assert.equal(parseEditArgs({ images: ['https://example.com/a.png'], prompt: ALLOWED }, []).prompt, ALLOWED);
    assert.throws(
      () => parseEditArgs({ images: ['https://example.com/a.png'], prompt: TOO_LONG }, []),
      (e: unknown) => e instanceof InputError && /801 characters long; the limit is 800/.test(e.userMessage),
    );
  });

  it('shows the panel the same count and the same verdict', () => {
    const limits = { maxImages: 10, maxPromptLength: MAX_PROMPT_LENGTH };
    const image: InputView = { id: 'a', kind: 'file', label: 'a.png', problems: [] };
    assert.deepEqual(promptCounter(ALLOWED, MAX_PROMPT_LENGTH), { text: '800/800', label: '800 of 800 characters', over: false, message: undefined });
    assert.equal(promptCounter(TOO_LONG, MAX_PROMPT_LENGTH).over, true);
    assert.equal(submitState({ images: [image], prompt: ALLOWED, hasToken: true, limits }).enabled, true);
    assert.equal(submitState({ images: [image], prompt: TOO_LONG, hasToken: true, limits }).reason, 'The prompt is 801 characters long; the limit is 800.');
  });

  describe('against the emulator', () => {
    let emu: Emulator;
    let agent: Agent;
    let client: RunComfyClient;
    beforeEach(async () => {
      emu = await startEmulator({ requiredToken: 'T' });
      agent = new Agent();
      client = new RunComfyClient({ baseUrl: emu.baseUrl, token: () => 'T', dispatcher: agent, logger: new LogCapture() });
    });
    afterEach(async () => {
      await agent.close();
      await emu.close();
    });

    it('the service takes 800 code points and refuses 801 with a 422', async () => {
      const post = (prompt: string) =>
        fetch(`${emu.baseUrl}/v1/models/bytedance/dreamina-4-0/edit`, {
          method: 'POST',
          headers: { authorization: 'Bearer T', 'content-type': 'application/json' },
          body: JSON.stringify({ image_urls: [IMAGE], prompt }),
        });
      assert.equal((await post(ALLOWED)).status, 200);
      const refused = await post(TOO_LONG);
      assert.equal(refused.status, 422);
      const detail = ((await refused.json()) as { detail: Array<{ type: string; loc: unknown[] }> }).detail;
      assert.deepEqual([detail[0].type, detail[0].loc], ['string_too_long', ['body', 'prompt']]);
    });

    it('the client submits the 800-code-point prompt and refuses 801 without sending it', async () => {
      const answer = await client.submit({ image_urls: [IMAGE], prompt: ALLOWED });
      assert.equal((emu.job(answer.request_id)?.body as { prompt?: string } | undefined)?.prompt, ALLOWED);
      await assert.rejects(client.submit({ image_urls: [IMAGE], prompt: TOO_LONG }), InputError);
      assert.equal(emu.stats.submits, 1);
    });
  });
});
