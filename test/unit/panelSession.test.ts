// The panel's logic in plain node: the ready handshake, validation, the draft, submit rules, and paths trusted only when known.
import * as assert from 'node:assert/strict';
import type { InputRef } from '../../src/jobs/inputChecks';
import type { Job } from '../../src/jobs/job';
import { type PanelPorts, PanelSession } from '../../src/panel/session';
import type { StoredDraft } from '../../src/panel/draft';
import type { ToWebview } from '../../src/protocol/messages';
import { jobIn } from '../support/jobs';
import { flushMicrotasks } from '../support/manualClock';

interface Rig {
  session: PanelSession;
  delivered: ToWebview[];
  stored: StoredDraft[];
  warnings: string[];
  jobs: Job[];
  submits: Array<{ refs: InputRef[]; prompt: string; confirmed?: boolean }>;
  actions: string[];
  hasToken: boolean;
  /** While set, a submit waits for it: the upload is still on its way. */
  gate?: Promise<void>;
}

function rig(options: { stored?: unknown; images?: string[]; jobs?: Job[] } = {}): Rig {
  const r = { delivered: [], stored: [], warnings: [], jobs: options.jobs ?? [], submits: [], actions: [], hasToken: true } as unknown as Rig;
  const ports: PanelPorts = {
    logger: { trace() {}, debug() {}, info() {}, warn: (m) => void r.warnings.push(m), error() {} },
    deliver: (m) => void r.delivered.push(m),
    storedDraft: () => options.stored,
    storeDraft: (d) => void r.stored.push(d),
    defaults: () => ({ size: '2048x2048(1:1)', scale: 0.5, forceSingle: false }),
    uri: (p) => `webview:${p}`,
    exists: () => true,
    setResourceFolders: () => undefined,
    jobs: {
      list: () => r.jobs,
      get: (id) => r.jobs.find((j) => j.id === id),
      submit: async ({ refs, prompt, confirmed }) => {
        r.submits.push({ refs, prompt, ...(confirmed ? { confirmed } : {}) });
        await r.gate;
        const job = jobIn('queued', { id: `job-${r.submits.length}`, requestId: `req-${r.submits.length}` });
        r.jobs.push(job);
        return job;
      },
      inspectImageFile: async (p) =>
        p.endsWith('wide.png')
          ? { facts: { format: 'png', bytes: 10, width: 3100, height: 1000 }, problems: [{ rule: 'aspectRatio', subject: 'wide.png', message: 'wide.png is too wide.' }] }
          : { facts: { format: 'png', bytes: 10, width: 100, height: 100 }, problems: [] },
      checkUrl: (url) => (url.startsWith('https://') ? [] : [{ rule: 'url', subject: url, message: `${url} is not https.` }]),
      userMessageOf: (e) => (e instanceof Error ? e.message : String(e)),
    },
    hasToken: async () => r.hasToken,
    filePathOf: (v) => (v.startsWith('file://') ? v.slice('file://'.length) : v.startsWith('/') ? v : undefined),
    actions: {
      pickImages: async () => [{ kind: 'file', path: '/ws/picked.png' }],
      setToken: async () => void r.actions.push('setToken'),
      cancel: async (id) => void r.actions.push(`cancel ${id}`),
      copyRequestId: async (id) => void r.actions.push(`copy ${id}`),
      retryDownload: async (id) => void r.actions.push(`retry ${id}`),
      openResult: async (p) => void r.actions.push(`open ${p}`),
      revealResult: async (p) => void r.actions.push(`reveal ${p}`),
    },
  };
  r.session = new PanelSession(ports, { images: options.images, hasToken: true });
  return r;
}

function notices(r: Rig): string[] {
  return r.delivered.flatMap((m) => (m.type === 'notice' ? [m.message] : []));
}

function lastDraft(r: Rig) {
  for (let i = r.delivered.length - 1; i >= 0; i--) {
    const m = r.delivered[i];
    if (m.type === 'draft') return m.draft;
    if (m.type === 'state') return m.state.draft;
  }
  return undefined;
}

describe('PanelSession', () => {
  it('posts nothing before the handshake, then the full state, then only the events that still matter', async () => {
    const r = rig();
    await r.session.receive({ type: 'addUrls', urls: ['https://example.com/a.png'] });
    r.session.setPrice('$0.03 per image');
    await r.session.receive({ type: 'submit' });
    assert.equal(r.delivered.length, 0, 'nothing delivered before ready');
    await r.session.receive({ type: 'ready' });
    assert.equal(r.delivered[0].type, 'state');
    const state = (r.delivered[0]).state;
    assert.equal(state.price, '$0.03 per image');
    assert.equal(state.draft.images.length, 1);
    assert.deepEqual(r.delivered.slice(1).map((m) => m.type), ['notice'], 'the prompt notice survives; draft and price were folded into the state');
  });

  it('drops an invalid message without throwing, and logs it', async () => {
    const r = rig();
    await r.session.receive({ type: 'ready' });
    const before = r.delivered.length;
    await r.session.receive({ type: 'moveImage', id: 'x', to: -1 });
    await r.session.receive({ type: 'nope' });
    await r.session.receive('not even an object');
    assert.equal(r.delivered.length, before);
    assert.equal(r.warnings.length, 3);
  });

  it('keeps the draft: checks files, refuses a broken one at submit, and stores what it needs to restore', async () => {
    const r = rig({ images: ['/ws/a.png', '/ws/wide.png'] });
    await r.session.receive({ type: 'ready' });
    await flushMicrotasks();
    await r.session.receive({ type: 'updateDraft', prompt: 'make it blue', size: '1024x1024(1:1)', scale: 0.7 });
    await r.session.receive({ type: 'updateDraft', size: 'not a size' });
    await r.session.receive({ type: 'submit' });
    assert.equal(r.submits.length, 0, 'nothing sent with a broken image');
    assert.match(notices(r).at(-1) ?? '', /too wide/);
    const wide = lastDraft(r)!.images.find((i) => i.label === 'wide.png')!;
    await r.session.receive({ type: 'removeImage', id: wide.id });
    await r.session.receive({ type: 'submit' });
    assert.equal(r.submits.length, 1);
    assert.equal(r.submits[0].prompt, 'make it blue');
    assert.deepEqual(r.submits[0].refs, [{ kind: 'file', path: '/ws/a.png' }]);
    assert.deepEqual(r.delivered.slice(-2), [{ type: 'submitted', requestId: 'req-1' }, { type: 'busy', submitting: false }]);
    const stored = r.stored.at(-1)!;
    assert.deepEqual(stored, { images: [{ kind: 'file', path: '/ws/a.png' }], prompt: 'make it blue', size: '1024x1024(1:1)', scale: 0.7, forceSingle: false });
    const restored = rig({ stored });
    assert.equal(restored.session.state().draft.prompt, 'make it blue');
    assert.equal(restored.session.state().draft.size, '1024x1024(1:1)');
  });

  it('says why it cannot submit: no image, an empty prompt, no token', async () => {
    const r = rig();
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'submit' });
    assert.match(notices(r).at(-1) ?? '', /Add at least one input image/);
    await r.session.receive({ type: 'addUrls', urls: ['https://example.com/a.png'] });
    await r.session.receive({ type: 'submit' });
    assert.match(notices(r).at(-1) ?? '', /Write a prompt/);
    await r.session.receive({ type: 'updateDraft', prompt: 'go' });
    r.hasToken = false;
    await r.session.receive({ type: 'submit' });
    assert.match(notices(r).at(-1) ?? '', /API token/);
    assert.equal(r.submits.length, 0);
  });

  it('accepts only image files from a drop, and says so', async () => {
    const r = rig();
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'dropFiles', uris: ['file:///ws/b.png', 'file:///ws/notes.txt', 'https://example.com/c.png'] });
    assert.deepEqual(lastDraft(r)!.images.map((i) => i.label), ['b.png']);
    assert.match(notices(r).at(-1) ?? '', /Only PNG and JPEG/);
  });

  it('acts only on jobs and result paths the engine knows', async () => {
    const saved = jobIn('saved', { id: 'done', requestId: 'req-done' });
    const queued = jobIn('queued', { id: 'waiting', requestId: 'req-waiting' });
    const r = rig({ jobs: [saved, queued] });
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'cancelJob', jobId: 'no-such-job' });
    await r.session.receive({ type: 'cancelJob', jobId: 'waiting' });
    await r.session.receive({ type: 'copyRequestId', jobId: 'done' });
    await r.session.receive({ type: 'openResult', path: '/etc/passwd' });
    await r.session.receive({ type: 'openResult', path: '/ws/runcomfy-results/cat-1.png' });
    await r.session.receive({ type: 'revealResult', path: '/somewhere/else.png' });
    await r.session.receive({ type: 'retryDownload', jobId: 'done' });
    assert.deepEqual(r.actions, ['cancel req-waiting', 'copy req-done', 'open /ws/runcomfy-results/cat-1.png', 'retry done']);
  });

  it('puts a job back in the draft to edit it, or asks (price and what is sent) before sending it again as it was', async () => {
    const old = jobIn('saved', {
      id: 'old',
      requestId: 'req-old',
      prompt: 'again',
      options: { size: '1024x1024(1:1)', scale: 0.3, forceSingle: true },
      inputs: [{ label: 'cat.png', summary: 's', path: '/ws/cat.png' }, { label: 'u', summary: 'u', url: 'https://example.com/u.png' }],
    });
    const r = rig({ jobs: [old] });
    r.session.setPrice('$0.03 per image');
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'runAgain', jobId: 'old', edit: true });
    assert.deepEqual(lastDraft(r)!.images.map((i) => i.label), ['cat.png', 'https://example.com/u.png']);
    assert.equal(lastDraft(r)!.prompt, 'again');
    assert.equal(r.submits.length, 0, 'edit only fills the draft');
    await r.session.receive({ type: 'updateDraft', prompt: 'my own draft' });

    await r.session.receive({ type: 'runAgain', jobId: 'old', edit: false });
    assert.equal(r.submits.length, 0, 'run again paid without asking');
    const question = r.delivered.at(-1);
    assert.ok(question?.type === 'confirmRunAgain', `the panel was not asked: ${JSON.stringify(question)}`);
    assert.equal(question.price, '$0.03 per image');
    assert.deepEqual(question.inputs, ['cat.png', 'https://example.com/u.png']);
    assert.equal(question.prompt, 'again');
    assert.match(question.options, /1024 × 1024.*0\.3.*single output/);

    await r.session.receive({ type: 'confirmRunAgain', token: 'a guess' });
    assert.equal(r.submits.length, 0, 'a confirmation without the question\'s token was accepted');
    await r.session.receive({ type: 'confirmRunAgain', token: question.token });
    assert.equal(r.submits.length, 1);
    assert.deepEqual(r.submits[0], { refs: [{ kind: 'file', path: '/ws/cat.png' }, { kind: 'url', url: 'https://example.com/u.png' }], prompt: 'again', confirmed: true });
    assert.equal(r.session.state().draft.prompt, 'my own draft', 'running again replaced the draft');
    await r.session.receive({ type: 'confirmRunAgain', token: question.token });
    assert.equal(r.submits.length, 1, 'one answer paid twice');
  });

  it('takes one submit at a time: a second submit or run-again while one is in flight is dropped and logged, and busy answers it', async () => {
    const old = jobIn('saved', { id: 'old', requestId: 'req-old', prompt: 'again', inputs: [{ label: 'cat.png', summary: 's', path: '/ws/cat.png' }] });
    const r = rig({ jobs: [old], images: ['/ws/a.png'] });
    await r.session.receive({ type: 'ready' });
    await flushMicrotasks();
    await r.session.receive({ type: 'updateDraft', prompt: 'once' });
    await r.session.receive({ type: 'runAgain', jobId: 'old', edit: false });
    const question = r.delivered.find((m) => m.type === 'confirmRunAgain');
    assert.ok(question?.type === 'confirmRunAgain');

    let release!: () => void;
    r.gate = new Promise((resolve) => (release = resolve));
    const first = r.session.receive({ type: 'submit' });
    await flushMicrotasks();
    assert.equal(r.submits.length, 1, 'the first submit did not start');
    assert.equal(r.session.state().submitting, true, 'a reloaded panel would not know a submit is in flight');
    await r.session.receive({ type: 'submit' });
    await r.session.receive({ type: 'runAgain', jobId: 'old', edit: false });
    await r.session.receive({ type: 'confirmRunAgain', token: question.token });
    assert.equal(r.submits.length, 1, 'a second paid submit started while the first was in flight');
    assert.equal(r.warnings.filter((w) => /dropped (submit|runAgain|confirmRunAgain)/.test(w)).length, 3, r.warnings.join('\n'));
    assert.deepEqual(r.delivered.filter((m) => m.type === 'busy'), [{ type: 'busy', submitting: true }], 'busy changed before the answer');

    release();
    await first;
    assert.deepEqual(r.delivered.slice(-2), [{ type: 'submitted', requestId: 'req-1' }, { type: 'busy', submitting: false }]);
    assert.equal(r.session.state().submitting, undefined);
    r.gate = undefined;
    await r.session.receive({ type: 'submit' });
    assert.equal(r.submits.length, 2, 'the next submit after the answer is taken');
  });

  it('answers a refused submit with busy false too, so the button never waits on a timer', async () => {
    const r = rig();
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'submit' });
    assert.deepEqual(r.delivered.slice(-3).map((m) => m.type), ['busy', 'notice', 'busy']);
    assert.deepEqual(r.delivered.at(-1), { type: 'busy', submitting: false });
  });

  it('sends job views the rule book can read, and nothing after close', async () => {
    const r = rig({ jobs: [jobIn('running', { trouble: { failures: 5, sinceMono: 0, error: 'HTTP 503', stalled: true } })] });
    await r.session.receive({ type: 'ready' });
    r.session.jobsChanged();
    const jobs = r.delivered.find((m) => m.type === 'jobs');
    assert.ok(jobs && jobs.type === 'jobs');
    assert.equal(jobs.jobs[0].stalled, true);
    assert.equal(jobs.jobs[0].error, 'HTTP 503');
    r.session.close();
    const before = r.delivered.length;
    r.session.jobsChanged();
    r.session.setHasToken(false);
    assert.equal(r.delivered.length, before);
  });
});
