// The panel's logic in plain node: the ready handshake, validation, the draft, submit rules, and paths trusted only when known.
import * as assert from 'node:assert/strict';
import type { FitChange, FitReport, SentFormat, SourceFormat } from '../../src/imaging/fitTypes';
import type { InputRef } from '../../src/jobs/inputChecks';
import type { Job } from '../../src/jobs/job';
import { type PanelPorts, PanelSession } from '../../src/panel/session';
import type { StoredDraft } from '../../src/panel/draft';
import { rememberPrompt } from '../../src/common/promptHistory';
import { type ImportedBytes, importProblem } from '../../src/panel/importedImages';
import { deletePreset, type Preset, savePreset } from '../../src/panel/presets';
import type { ToWebview } from '../../src/protocol/messages';
import { makePng } from '../support/images';
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
  /** What the question before deleting a preset answers. */
  deleteAnswer: boolean;
  hasToken: boolean;
  /** While set, a submit waits for it: the upload is still on its way. */
  gate?: Promise<void>;
  /** Every file the panel asked to be fitted, with its choice. */
  plans: InputRef[];
  history: string[];
  presets: Preset[];
  imported: ImportedBytes[];
}

function fitReport(from: SourceFormat, w: number, h: number, to: SentFormat, sw: number, sh: number, changes: FitChange[]): FitReport {
  return {
    name: 'x',
    original: { width: w, height: h, format: from, bytes: 2_000_000 },
    sent: { width: sw, height: sh, format: to, bytes: 1_000_000 },
    changes,
  };
}

function rig(options: { stored?: unknown; images?: string[]; jobs?: Job[]; exists?: (path: string) => boolean } = {}): Rig {
  const r = {
    delivered: [],
    stored: [],
    warnings: [],
    jobs: options.jobs ?? [],
    submits: [],
    actions: [],
    deleteAnswer: true,
    hasToken: true,
    plans: [],
    history: [],
    presets: [],
    imported: [],
  } as unknown as Rig;
  const ports: PanelPorts = {
    logger: { trace() {}, debug() {}, info() {}, warn: (m) => void r.warnings.push(m), error() {} },
    deliver: (m) => void r.delivered.push(m),
    storedDraft: () => options.stored,
    storeDraft: (d) => void r.stored.push(d),
    defaults: () => ({ size: '2048x2048(1:1)', scale: 0.5, forceSingle: false }),
    uri: (p) => `webview:${p}`,
    exists: options.exists ?? (() => true),
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
      planImageFile: async (ref) => {
        r.plans.push(ref);
        if (!ref.path.endsWith('wide.png')) return { report: fitReport('png', 100, 100, 'png', 100, 100, []), problems: [] };
        if (!ref.fit)
          return {
            problems: [{ rule: 'aspectRatio', subject: 'wide.png', message: 'wide.png: set runcomfy.fitInputs.' }],
            aspect: { width: 3100, height: 1000 },
          };
        return ref.fit === 'pad'
          ? { report: fitReport('heic', 3100, 1000, 'jpeg', 3100, 1034, ['locationRemoved', 'padded', 'converted']), problems: [] }
          : { report: fitReport('heic', 3100, 1000, 'jpeg', 3000, 1000, ['cropped', 'converted']), problems: [] };
      },
      checkUrl: (url) => (url.startsWith('https://') ? [] : [{ rule: 'url', subject: url, message: `${url} is not https.` }]),
      userMessageOf: (e) => (e instanceof Error ? e.message : String(e)),
    },
    hasToken: async () => r.hasToken,
    library: {
      history: () => r.history,
      presets: () => r.presets,
      remember: async (prompt) => void (r.history = rememberPrompt(r.history, prompt)),
      savePreset: async (preset) => {
        r.presets = savePreset(r.presets, preset);
        return r.presets[0];
      },
      deletePreset: async (id) => void (r.presets = deletePreset(r.presets, id)),
    },
    importImage: async (item) => {
      const problem = importProblem(item);
      if (problem) throw new Error(problem);
      r.imported.push(item);
      return `/ws/runcomfy-results/inputs/${item.name ?? `pasted-${r.imported.length}.png`}`;
    },
    filePathOf: (v) => (v.startsWith('file://') ? v.slice('file://'.length) : v.startsWith('/') ? v : undefined),
    actions: {
      pickImages: async () => [{ kind: 'file', path: '/ws/picked.png' }],
      setToken: async () => void r.actions.push('setToken'),
      cancel: async (id) => void r.actions.push(`cancel ${id}`),
      copyRequestId: async (id) => void r.actions.push(`copy ${id}`),
      retryDownload: async (id) => void r.actions.push(`retry ${id}`),
      openResult: async (p) => void r.actions.push(`open ${p}`),
      revealResult: async (p) => void r.actions.push(`reveal ${p}`),
      confirmDeletePreset: async (name) => {
        r.actions.push(`confirm delete ${name}`);
        return r.deleteAnswer;
      },
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
    const state = r.delivered[0].state;
    assert.equal(state.price, '$0.03 per image');
    assert.equal(state.draft.images.length, 1);
    assert.deepEqual(
      r.delivered.slice(1).map((m) => m.type),
      ['notice'],
      'the prompt notice survives; draft and price were folded into the state',
    );
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

  it("says in every draft which of the panel's edits it includes, so the panel can tell an older draft from a newer one", async () => {
    const r = rig();
    await r.session.receive({ type: 'ready' });
    const first = r.delivered[0];
    assert.equal(first.type === 'state' && first.state.draft.seq, 0);
    await r.session.receive({ type: 'addUrls', urls: ['https://example.com/a.png'] });
    await r.session.receive({ type: 'updateDraft', prompt: 'make it blue', seq: 7 });
    const id = r.session.state().draft.images[0].id;
    await r.session.receive({ type: 'removeImage', id });
    const draft = r.delivered.at(-1);
    assert.equal(draft?.type, 'draft');
    assert.equal(draft.type === 'draft' && draft.draft.seq, 7);
    assert.equal(draft.type === 'draft' && draft.draft.prompt, 'make it blue');
    assert.equal(r.session.state().draft.seq, 7);
  });

  it('keeps the draft: checks files, refuses a broken one at submit, and stores what it needs to restore', async () => {
    const r = rig({ images: ['/ws/a.png', '/ws/wide.png'] });
    await r.session.receive({ type: 'ready' });
    await flushMicrotasks();
    await r.session.receive({ type: 'updateDraft', prompt: 'make it blue', size: '1024x1024(1:1)', scale: 0.7 });
    await r.session.receive({ type: 'updateDraft', size: 'not a size' });
    await r.session.receive({ type: 'submit' });
    assert.equal(r.submits.length, 0, 'nothing sent with a broken image');
    assert.match(notices(r).at(-1) ?? '', /wide\.png is 3\.1:1 \(3100×1000\).*Choose Pad or Crop/);
    assert.doesNotMatch(notices(r).at(-1) ?? '', /fitInputs|setting/, 'the card names its buttons, not a setting');
    const wide = lastDraft(r)!.images.find((i) => i.label === 'wide.png')!;
    await r.session.receive({ type: 'removeImage', id: wide.id });
    await r.session.receive({ type: 'submit' });
    assert.equal(r.submits.length, 1);
    assert.equal(r.submits[0].prompt, 'make it blue');
    assert.deepEqual(r.submits[0].refs, [{ kind: 'file', path: '/ws/a.png' }]);
    assert.deepEqual(r.delivered.slice(-2), [
      { type: 'submitted', requestId: 'req-1' },
      { type: 'busy', submitting: false },
    ]);
    const stored = r.stored.at(-1)!;
    assert.deepEqual(stored, { images: [{ kind: 'file', path: '/ws/a.png' }], prompt: 'make it blue', size: '1024x1024(1:1)', scale: 0.7, forceSingle: false });
    const restored = rig({ stored });
    assert.equal(restored.session.state().draft.prompt, 'make it blue');
    assert.equal(restored.session.state().draft.size, '1024x1024(1:1)');
  });

  it('offers Pad or Crop on an out-of-range card, says what is sent, and submits and stores the choice with that image', async () => {
    const r = rig({ images: ['/ws/a.png', '/ws/wide.png'] });
    await r.session.receive({ type: 'ready' });
    await flushMicrotasks();
    await r.session.receive({ type: 'updateDraft', prompt: 'make it blue' });
    let wide = lastDraft(r)!.images.find((i) => i.label === 'wide.png')!;
    assert.equal(wide.canFit, true);
    assert.equal(wide.fit, undefined);
    assert.equal(wide.fitSummary, undefined);
    const plain = lastDraft(r)!.images.find((i) => i.label === 'a.png')!;
    assert.equal(plain.fitSummary, '100×100 PNG, 1.9 MB, sent as it is');
    assert.equal(plain.canFit, undefined, 'no Pad/Crop on an image in range');

    await r.session.receive({ type: 'chooseFit', id: wide.id, fit: 'pad' });
    await flushMicrotasks();
    wide = lastDraft(r)!.images.find((i) => i.label === 'wide.png')!;
    assert.equal(wide.fit, 'pad');
    assert.equal(wide.canFit, true, 'the other choice stays on offer');
    assert.deepEqual(wide.problems, []);
    assert.equal(wide.fitSummary, '3100×1000 HEIC, 1.9 MB → 3100×1034 JPEG, 977 KB, padded to 3:1, location removed');
    assert.deepEqual(r.plans.at(-1), { kind: 'file', path: '/ws/wide.png', fit: 'pad' });
    assert.deepEqual(r.stored.at(-1)!.images, [
      { kind: 'file', path: '/ws/a.png' },
      { kind: 'file', path: '/ws/wide.png', fit: 'pad' },
    ]);

    await r.session.receive({ type: 'chooseFit', id: wide.id, fit: 'crop' });
    await flushMicrotasks();
    wide = lastDraft(r)!.images.find((i) => i.label === 'wide.png')!;
    assert.equal(wide.fitSummary, '3100×1000 HEIC, 1.9 MB → 3000×1000 JPEG, 977 KB, cropped to 3:1');

    await r.session.receive({ type: 'submit' });
    assert.equal(r.submits.length, 1);
    assert.deepEqual(r.submits[0].refs, [
      { kind: 'file', path: '/ws/a.png' },
      { kind: 'file', path: '/ws/wide.png', fit: 'crop' },
    ]);
    // A reload keeps the choice; the card is fitted again with it.
    const restored = rig({ stored: r.stored.at(-1) });
    assert.deepEqual(
      restored.session.state().draft.images.map((i) => i.fit),
      [undefined, 'crop'],
    );
  });

  it('refuses a Pad/Crop choice for an unknown card or a web address', async () => {
    const r = rig();
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'addUrls', urls: ['https://example.com/a.png'] });
    const url = lastDraft(r)!.images[0];
    const before = r.delivered.length;
    await r.session.receive({ type: 'chooseFit', id: url.id, fit: 'pad' });
    await r.session.receive({ type: 'chooseFit', id: 'nope', fit: 'crop' });
    await r.session.receive({ type: 'chooseFit', id: url.id, fit: 'stretch' });
    assert.equal(r.delivered.length, before);
    assert.equal(r.plans.length, 0);
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
    await r.session.receive({
      type: 'dropFiles',
      uris: ['file:///ws/b.png', 'file:///ws/notes.txt', 'https://example.com/c.png', 'file:///ws/phone.HEIC', 'file:///ws/shot.webp'],
    });
    assert.deepEqual(
      lastDraft(r)!.images.map((i) => i.label),
      ['b.png', 'phone.HEIC', 'shot.webp'],
    );
    assert.match(notices(r).at(-1) ?? '', /Only images \(PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC\)/);
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
      inputs: [
        { label: 'cat.png', summary: 's', path: '/ws/cat.png' },
        { label: 'u', summary: 'u', url: 'https://example.com/u.png' },
      ],
    });
    const r = rig({ jobs: [old] });
    r.session.setPrice('$0.03 per image');
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'runAgain', jobId: 'old', edit: true });
    assert.deepEqual(
      lastDraft(r)!.images.map((i) => i.label),
      ['cat.png', 'https://example.com/u.png'],
    );
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
    assert.equal(r.submits.length, 0, "a confirmation without the question's token was accepted");
    await r.session.receive({ type: 'confirmRunAgain', token: question.token });
    assert.equal(r.submits.length, 1);
    assert.deepEqual(r.submits[0], {
      refs: [
        { kind: 'file', path: '/ws/cat.png' },
        { kind: 'url', url: 'https://example.com/u.png' },
      ],
      prompt: 'again',
      confirmed: true,
    });
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
    assert.deepEqual(
      r.delivered.filter((m) => m.type === 'busy'),
      [{ type: 'busy', submitting: true }],
      'busy changed before the answer',
    );

    release();
    await first;
    assert.deepEqual(r.delivered.slice(-2), [
      { type: 'submitted', requestId: 'req-1' },
      { type: 'busy', submitting: false },
    ]);
    assert.equal(r.session.state().submitting, undefined);
    r.gate = undefined;
    await r.session.receive({ type: 'submit' });
    assert.equal(r.submits.length, 2, 'the next submit after the answer is taken');
  });

  it('answers a refused submit with busy false too, so the button never waits on a timer', async () => {
    const r = rig();
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'submit' });
    assert.deepEqual(
      r.delivered.slice(-3).map((m) => m.type),
      ['busy', 'notice', 'busy'],
    );
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

  it('remembers a prompt once it is sent, newest first, and tells the panel; a refused submit remembers nothing', async () => {
    const r = rig({ images: ['/ws/a.png'] });
    r.history = ['older prompt'];
    await r.session.receive({ type: 'ready' });
    assert.deepEqual(r.session.state().library?.history, ['older prompt']);
    await flushMicrotasks();
    r.hasToken = false;
    await r.session.receive({ type: 'updateDraft', prompt: 'never sent' });
    await r.session.receive({ type: 'submit' });
    assert.deepEqual(r.history, ['older prompt']);
    r.hasToken = true;
    await r.session.receive({ type: 'updateDraft', prompt: '  Make it blue ' });
    await r.session.receive({ type: 'submit' });
    assert.equal(r.submits.length, 1);
    assert.deepEqual(r.history, ['Make it blue', 'older prompt']);
    const library = r.delivered.filter((m) => m.type === 'library').at(-1);
    assert.ok(library && library.type === 'library');
    assert.deepEqual(library.library.history, ['Make it blue', 'older prompt']);
  });

  it('saves the draft as a preset, replaces one of the same name, applies it back, and deletes it', async () => {
    const r = rig({ images: ['/ws/a.png', '/ws/b.png'] });
    await r.session.receive({ type: 'ready' });
    await flushMicrotasks();
    await r.session.receive({ type: 'addUrls', urls: ['https://cdn.example.com/ref.png?sig=secret'] });
    await r.session.receive({ type: 'updateDraft', prompt: 'Studio light', size: '1024x1024(1:1)', scale: 0.8, forceSingle: true });
    await r.session.receive({ type: 'savePreset', name: '   ' });
    assert.equal(r.presets.length, 0);
    assert.match(notices(r).at(-1) ?? '', /name/);
    await r.session.receive({ type: 'savePreset', name: 'Product shot' });
    assert.equal(r.presets.length, 1);
    const [preset] = r.presets;
    assert.deepEqual(preset.images, [
      { kind: 'file', path: '/ws/a.png' },
      { kind: 'file', path: '/ws/b.png' },
      { kind: 'url', url: 'https://cdn.example.com/ref.png (query removed)' },
    ]);
    assert.ok(!JSON.stringify(r.presets).includes('secret'), 'a signature never reaches synced storage');
    assert.deepEqual(preset.options, { size: '1024x1024(1:1)', scale: 0.8, forceSingle: true });
    assert.match(notices(r).at(-1) ?? '', /Preset “Product shot” saved/);
    const shown = r.delivered.filter((m) => m.type === 'library').at(-1);
    assert.ok(shown && shown.type === 'library');
    assert.deepEqual(shown.library.presets[0].images, ['a.png', 'b.png', 'https://cdn.example.com/ref.png (query removed)']);

    await r.session.receive({ type: 'updateDraft', prompt: 'Studio light, softer' });
    await r.session.receive({ type: 'savePreset', name: 'product SHOT' });
    assert.equal(r.presets.length, 1, 'the same name (any case) updates the preset');
    assert.equal(r.presets[0].id, preset.id);
    assert.equal(r.presets[0].prompt, 'Studio light, softer');
    assert.match(notices(r).at(-1) ?? '', /updated/);

    // The draft changes, then the preset brings its prompt, options and images back.
    for (const image of lastDraft(r)!.images) await r.session.receive({ type: 'removeImage', id: image.id });
    await r.session.receive({ type: 'updateDraft', prompt: 'something else', size: '2048x2048(1:1)', scale: 0.5, forceSingle: false });
    await r.session.receive({ type: 'applyPreset', id: preset.id });
    await flushMicrotasks();
    const draft = lastDraft(r)!;
    assert.equal(draft.prompt, 'Studio light, softer');
    assert.deepEqual([draft.size, draft.scale, draft.forceSingle], ['1024x1024(1:1)', 0.8, true]);
    assert.deepEqual(
      draft.images.map((i) => i.label),
      ['a.png', 'b.png', 'https://cdn.example.com/ref.png (query removed)'],
    );
    assert.equal(r.stored.at(-1)?.prompt, 'Studio light, softer', 'the applied draft is stored like any other');

    // Deleting asks first, naming the preset as it is now: no keeps it, yes deletes it.
    const name = r.presets[0].name;
    r.deleteAnswer = false;
    await r.session.receive({ type: 'deletePreset', id: preset.id });
    assert.equal(r.presets.length, 1, 'deleted although the person said no');
    r.deleteAnswer = true;
    await r.session.receive({ type: 'deletePreset', id: preset.id });
    assert.equal(r.presets.length, 0);
    assert.deepEqual(
      r.actions.filter((a) => a.startsWith('confirm delete')),
      [`confirm delete ${name}`, `confirm delete ${name}`],
    );
    // An unknown preset asks nothing.
    await r.session.receive({ type: 'deletePreset', id: 'no-such-preset' });
    assert.equal(r.actions.filter((a) => a.startsWith('confirm delete')).length, 2);
  });

  it('applies a preset synced from another computer without the files that are not here, and says which', async () => {
    const r = rig({ exists: (p) => p.startsWith('/ws/') });
    r.presets = [
      {
        id: 'p1',
        name: 'Elsewhere',
        prompt: 'Warm tones',
        options: { size: '2048x2048(1:1)', scale: 0.5, forceSingle: false },
        images: [
          { kind: 'file', path: '/other/machine/cat.png' },
          { kind: 'file', path: '/ws/here.png' },
        ],
        savedAt: 1,
      },
    ];
    await r.session.receive({ type: 'ready' });
    await r.session.receive({ type: 'applyPreset', id: 'p1' });
    assert.deepEqual(
      lastDraft(r)!.images.map((i) => i.label),
      ['here.png'],
    );
    assert.match(notices(r).at(-1) ?? '', /without cat\.png, which is not on this computer/);
  });

  it('turns pasted and dropped bytes into inputs, and refuses what is not an image with one clear notice', async () => {
    const r = rig();
    await r.session.receive({ type: 'ready' });
    const png = makePng(8, 8).toString('base64');
    await r.session.receive({ type: 'importImages', source: 'paste', images: [{ data: png }] });
    assert.equal(r.imported.length, 1);
    assert.equal(r.imported[0].source, 'paste');
    assert.deepEqual(
      lastDraft(r)!.images.map((i) => i.path),
      ['/ws/runcomfy-results/inputs/pasted-1.png'],
    );
    await r.session.receive({
      type: 'importImages',
      source: 'drop',
      images: [
        { name: 'notes.txt', data: Buffer.from('hello').toString('base64') },
        { name: 'photo.png', data: png },
      ],
    });
    assert.deepEqual(
      lastDraft(r)!.images.map((i) => i.label),
      ['pasted-1.png', 'photo.png'],
    );
    assert.match(notices(r).at(-1) ?? '', /notes\.txt is not an image/);
    await r.session.receive({ type: 'importImages', source: 'paste', images: [{ data: Buffer.from('GIF89a....').toString('base64') }] });
    assert.match(notices(r).at(-1) ?? '', /not a PNG/);
    assert.equal(r.imported.length, 2);
  });

  it("shows results with the saved file's own pixel size beside the size asked for", async () => {
    const files = [{ url: 'https://x/1.png', path: '/ws/runcomfy-results/cat-1.png', width: 256, height: 256 }];
    const r = rig({ jobs: [jobIn('saved', { options: { size: '2048x2048(1:1)' }, files })] });
    await r.session.receive({ type: 'ready' });
    const state = r.delivered.find((m) => m.type === 'state');
    assert.ok(state && state.type === 'state');
    assert.deepEqual(
      state.state.results.map((x) => [x.size, x.width, x.height]),
      [['2048x2048(1:1)', 256, 256]],
    );
  });
});
