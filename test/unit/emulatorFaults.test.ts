// The emulator's harder faults, checked on the wire: gateway pages after the job exists, error codes on every poll, cut bodies, revoked tokens.
import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../emulator/server';
import { encodePng } from '../emulator/png';
import { rawRequest, type RawAnswer } from '../support/rawHttp';
import { ManualClock } from '../support/manualClock';

const MODEL = '/v1/models/bytedance/dreamina-4-0/edit';
const IMAGE = `data:image/png;base64,${encodePng(32, 32, () => [200, 40, 40]).toString('base64')}`;
const BODY = JSON.stringify({ image_urls: [IMAGE], prompt: 'make it blue' });

function json(answer: RawAnswer): any {
  return JSON.parse(answer.bytes.toString('utf8'));
}

describe('emulator faults', function () {
  this.timeout(10000);
  let clock: ManualClock;
  let emu: Emulator;

  const auth = (token = 'tok') => ({ authorization: `Bearer ${token}` });
  const submit = (token?: string) =>
    rawRequest(`${emu.baseUrl}${MODEL}`, { method: 'POST', headers: { ...auth(token), 'content-type': 'application/json' }, body: BODY });
  const get = (path: string, token?: string) => rawRequest(`${emu.baseUrl}${path}`, { headers: auth(token) });
  const post = (path: string, body: unknown, method = 'POST') =>
    rawRequest(`${emu.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  async function created(): Promise<string> {
    const a = await submit();
    assert.equal(a.status, 200);
    return json(a).request_id as string;
  }

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2025, 0, 1));
    emu = await startEmulator({ clock });
  });
  afterEach(() => emu.close());

  describe('on submit, after the job was created', () => {
    for (const status of [502, 504]) {
      it(`answers a gateway's ${status} HTML page without error_code, and the job runs anyway`, async () => {
        emu.inject({ route: 'submit', kind: 'htmlPage', status, after: 'accept' });
        const a = await submit();
        assert.equal(a.status, status);
        assert.match(String(a.headers['content-type']), /^text\/html/);
        assert.match(a.bytes.toString(), new RegExp(`<title>${status} `));
        assert.doesNotMatch(a.bytes.toString(), /error_code/);
        assert.equal(emu.stats.jobsCreated, 1);
        const [job] = emu.jobs();
        assert.equal(json(await get(`/v1/requests/${job.requestId}/status`)).status, 'in_queue');
        await clock.advance(8000);
        assert.equal(job.state, 'succeeded');
      });
    }

    it('answers the same page before the job exists when not told `after: accept`', async () => {
      emu.inject({ route: 'submit', kind: 'htmlPage' });
      assert.equal((await submit()).status, 502);
      assert.equal(emu.stats.submits, 1);
      assert.equal(emu.stats.jobsCreated, 0);
      assert.deepEqual(emu.jobs(), []);
    });

    it('answers an unreadable 200 (an HTML page, or JSON of another shape)', async () => {
      emu.inject({ route: 'submit', kind: 'unreadable', after: 'accept' });
      emu.inject({ route: 'submit', kind: 'unreadable', body: '{"ok":true}', after: 'accept' });
      const page = await submit();
      assert.equal(page.status, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.throws(() => json(page));
      const other = await submit();
      assert.equal(other.status, 200);
      assert.deepEqual(json(other), { ok: true });
      assert.equal(emu.jobs().length, 2);
    });

    it('closes the socket mid-body: full Content-Length promised, half sent', async () => {
      emu.inject({ route: 'submit', kind: 'truncate' });
      const a = await submit();
      assert.equal(a.status, 200);
      const promised = Number(a.headers['content-length']);
      assert.equal(a.complete, false);
      assert.ok(a.error, 'the exchange ended with a connection error');
      assert.equal(a.bytes.length, Math.floor(promised / 2));
      assert.equal(emu.jobs().length, 1);
      assert.ok(a.bytes.toString().startsWith(`{"request_id":"${emu.jobs()[0].requestId}`));
    });
  });

  describe('on polls', () => {
    it('answers an HTML 404 page without error_code once, then the truth', async () => {
      const id = await created();
      emu.inject({ route: 'status', kind: 'htmlPage', status: 404, requestId: id });
      const page = await get(`/v1/requests/${id}/status`);
      assert.equal(page.status, 404);
      assert.match(page.bytes.toString(), /<h1>404 Not Found<\/h1>/);
      assert.doesNotMatch(page.bytes.toString(), /error_code/);
      assert.equal(json(await get(`/v1/requests/${id}/status`)).status, 'in_queue');
    });

    for (const [code, message] of [
      [404001, 'Request not found'],
      [400004, 'Invalid, expired or revoked API token'],
      [500003, 'Internal server error, please try again later'],
    ] as const) {
      it(`answers HTTP 200 with error_code ${code} on every poll of one job until the faults are cleared`, async () => {
        const id = await created();
        const other = await created();
        emu.inject({ route: 'any', kind: 'errorCode200', errorCode: code, requestId: id, times: 'always' });
        for (let i = 0; i < 5; i++) {
          for (const route of ['status', 'result']) {
            const a = await get(`/v1/requests/${id}/${route}`);
            assert.equal(a.status, 200);
            assert.deepEqual(json(a), { error_code: code, error_message: message });
          }
        }
        assert.equal(json(await get(`/v1/requests/${other}/status`)).status, 'in_queue');
        assert.equal(emu.stats.statusPolls(id), 5);
        emu.clearFaults();
        assert.equal(json(await get(`/v1/requests/${id}/status`)).status, 'in_queue');
      });
    }

    it('closes the socket mid-body on a status or result answer', async () => {
      const id = await created();
      emu.inject({ route: 'status', kind: 'truncate', afterBytes: 10 });
      emu.inject({ route: 'result', kind: 'truncate' });
      for (const route of ['status', 'result']) {
        const a = await get(`/v1/requests/${id}/${route}`);
        assert.equal(a.status, 200);
        assert.equal(a.complete, false);
        assert.ok(a.bytes.length < Number(a.headers['content-length']));
      }
      assert.equal((await get(`/v1/requests/${id}/status`)).complete, true);
    });
  });

  it('closes the socket mid-body on a download: Content-Length promised, part sent', async () => {
    const id = await created();
    await clock.advance(8000);
    const url = `/files/${id}/0.png`;
    const whole = await get(url);
    assert.equal(whole.complete, true);
    emu.inject({ route: 'download', kind: 'truncate', requestId: id });
    const cut = await get(url);
    assert.equal(cut.status, 200);
    assert.equal(Number(cut.headers['content-length']), whole.bytes.length);
    assert.equal(cut.complete, false);
    assert.equal(cut.bytes.length, Math.floor(whole.bytes.length / 2));
    assert.ok(cut.bytes.equals(whole.bytes.subarray(0, cut.bytes.length)));
  });

  describe('revoked tokens', () => {
    it('refuses a token from the moment it is revoked, on every API route but not on file storage', async () => {
      const id = await created();
      await clock.advance(8000);
      emu.revokeToken();
      for (const a of [await submit(), await get(`/v1/requests/${id}/status`), await get(`/v1/requests/${id}/result`), await get(MODEL)]) {
        assert.equal(a.status, 401);
        assert.equal(json(a).error_code, 400004);
      }
      assert.equal((await get(`/files/${id}/0.png`)).status, 200);
      assert.equal((await get(`/v1/requests/${id}/status`, 'new-token')).status, 200, 'a new key works at once');
      emu.acceptToken('tok');
      assert.equal((await get(`/v1/requests/${id}/status`)).status, 200, 'the same key again, once the account is fixed');
      assert.equal(emu.stats.jobsCreated, 1);
    });

    it('with a required token: a revoked one stays refused, a newly accepted one works', async () => {
      await emu.close();
      emu = await startEmulator({ clock, requiredToken: 'T1' });
      assert.equal((await get(MODEL, 'T1')).status, 200);
      emu.revokeToken('T1');
      assert.equal((await get(MODEL, 'T1')).status, 401);
      assert.equal((await get(MODEL, 'T2')).status, 401);
      emu.acceptToken('T2');
      assert.equal((await get(MODEL, 'T2')).status, 200);
      assert.equal((await get(MODEL, 'T1')).status, 401);
      emu.reset();
      assert.equal((await get(MODEL, 'T1')).status, 200, 'reset restores the starting tokens');
    });
  });

  it('takes the new faults, tokens and job listing through the admin endpoints', async () => {
    assert.equal((await post('/__emulator/faults', { route: 'submit', kind: 'htmlPage', status: 504, after: 'accept' })).status, 200);
    assert.equal((await submit()).status, 504);
    const listed = json(await rawRequest(`${emu.baseUrl}/__emulator/jobs`));
    assert.equal(listed.length, 1);
    assert.equal(listed[0].requestId, emu.jobs()[0].requestId);
    assert.equal((await post('/__emulator/faults', { route: 'status', kind: 'errorCode200', errorCode: 500001, times: 'always' })).status, 200);
    assert.equal(json(await get(`/v1/requests/${listed[0].requestId}/status`)).error_code, 500001);
    assert.equal((await post('/__emulator/faults', {}, 'DELETE')).status, 200);
    assert.equal(json(await get(`/v1/requests/${listed[0].requestId}/status`)).status, 'in_queue');
    assert.equal((await post('/__emulator/tokens', { revoke: true })).status, 200);
    assert.equal((await get(MODEL)).status, 401);
    assert.equal((await post('/__emulator/tokens', { accept: 'tok' })).status, 200);
    assert.equal((await get(MODEL)).status, 200);
    for (const bad of [
      { route: 'status', kind: 'delay', ms: 1, after: 'accept' },
      { route: 'status', kind: 'http', status: 503, times: 'often' },
    ]) {
      assert.equal((await post('/__emulator/faults', bad)).status, 400, JSON.stringify(bad));
    }
    assert.equal((await post('/__emulator/tokens', { revoke: 7 })).status, 400);
  });
});
