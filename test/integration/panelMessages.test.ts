// The panel's host side in a real extension host: its HTML, the ready handshake, and every message the webview can send.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageSize } from 'image-size';
import * as vscode from 'vscode';
import { fakeExtensionContext, recordingChannel } from './fakeHost';
import { JsonMemento } from '../support/jsonMemento';
import { isCancellable, stateWords } from '../../src/jobs/rules';
import { Services } from '../../src/platform/services';
import { type DraftView, type JobView, PanelState, type ResultView, ToWebview, parseMessage } from '../../src/protocol/messages';
import { PanelController } from '../../src/webview/panelController';
import { makePng } from '../support/images';
import {
  acceptQuickInput,
  delay,
  readFixture,
  replaceWindowFunction,
  repoRoot,
  resultsDir,
  sizeKey,
  testToken,
  useEmulator,
  waitFor,
  workspacePath,
  workspaceUri,
  writeScratchFile,
} from './support';

const CSP_SOURCE = 'https://*.vscode-cdn.net';
const WEBVIEW_AUTHORITY = 'file+.vscode-resource.vscode-cdn.net';

/** What the real Webview.asWebviewUri does, in shape: a resource URI the panel may load. */
function webviewUri(filePath: string): string {
  return vscode.Uri.from({ scheme: 'https', authority: WEBVIEW_AUTHORITY, path: vscode.Uri.file(filePath).path }).toString();
}

// ---- fakes for what the controller is given ----

interface FakePanel {
  readonly panel: vscode.WebviewPanel;
  readonly webview: { html: string; options: vscode.WebviewOptions };
  /** Every set of options given to the webview, in order: each one reloads the real page. */
  readonly optionChanges: vscode.WebviewOptions[];
  /** Every message the controller posted, as the panel would receive it (parsed against ToWebview). */
  readonly posted: ToWebview[];
  /** The same messages as the JSON text that crossed to the panel. */
  readonly postedJson: string[];
  /** Posts that were not valid ToWebview messages (should stay empty). */
  readonly invalidPosts: string[];
  readonly isDisposed: () => boolean;
  /** Delivers a message the way the webview does, through onDidReceiveMessage. */
  deliver(message: unknown): void;
}

function fakePanel(): FakePanel {
  const posted: ToWebview[] = [];
  const postedJson: string[] = [];
  const invalidPosts: string[] = [];
  const receivers = new Set<(message: unknown) => unknown>();
  const disposeListeners = new Set<() => unknown>();
  let disposed = false;
  const optionChanges: vscode.WebviewOptions[] = [];
  let options: vscode.WebviewOptions = {};
  const webview = {
    html: '',
    get options(): vscode.WebviewOptions {
      return options;
    },
    set options(value: vscode.WebviewOptions) {
      optionChanges.push(value);
      options = value;
    },
    cspSource: CSP_SOURCE,
    asWebviewUri: (uri: vscode.Uri) => vscode.Uri.from({ scheme: 'https', authority: WEBVIEW_AUTHORITY, path: uri.path }),
    postMessage: (message: unknown) => {
      // A webview receives a structured copy; JSON is close enough and catches anything that cannot cross.
      const json = JSON.stringify(message);
      postedJson.push(json);
      const parsed = parseMessage(ToWebview, JSON.parse(json));
      if (parsed.ok) posted.push(parsed.message);
      else invalidPosts.push(`${parsed.reason}: ${json.slice(0, 200)}`);
      return Promise.resolve(true);
    },
    onDidReceiveMessage: (listener: (message: unknown) => unknown) => {
      receivers.add(listener);
      return new vscode.Disposable(() => receivers.delete(listener));
    },
  };
  const panel = {
    viewType: 'runcomfy.panel',
    title: 'RunComfy Edit',
    iconPath: undefined,
    options: {},
    viewColumn: vscode.ViewColumn.One,
    active: true,
    visible: true,
    webview,
    onDidChangeViewState: () => new vscode.Disposable(() => undefined),
    onDidDispose: (listener: () => unknown) => {
      disposeListeners.add(listener);
      return new vscode.Disposable(() => disposeListeners.delete(listener));
    },
    reveal: () => undefined,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const listener of [...disposeListeners]) listener();
    },
  };
  return {
    panel: panel,
    webview,
    optionChanges,
    posted,
    postedJson,
    invalidPosts,
    isDisposed: () => disposed,
    deliver: (message) => {
      for (const listener of [...receivers]) void listener(message);
    },
  };
}

// ---- a controller over the fakes ----

interface HarnessOptions {
  /** Stored in the panel's own secret storage before the controller starts; null for none. Default: the emulator's token. */
  token?: string | null;
  memento?: vscode.Memento & { snapshot(): string };
  /** The global state (where the spending ledger lives); a fresh one when left out. */
  globalState?: vscode.Memento & { snapshot(): string };
  images?: vscode.Uri[];
  view?: PanelState['view'];
}

interface Harness {
  readonly controller: PanelController;
  readonly services: Services;
  readonly fake: FakePanel;
  readonly posted: ToWebview[];
  readonly log: string[];
  readonly memento: vscode.Memento & { snapshot(): string };
  readonly secrets: Map<string, string>;
  send(message: unknown): Promise<void>;
  /** Sends `ready` and returns the state that answered it. */
  ready(): Promise<PanelState>;
  draft(): DraftView;
  jobs(): JobView[];
  results(): ResultView[];
  waitDraft(what: string, test: (draft: DraftView) => boolean, timeoutMs?: number): Promise<DraftView>;
  waitJob(what: string, test: (job: JobView) => boolean, timeoutMs?: number): Promise<JobView>;
  waitPosted<T extends ToWebview['type']>(
    type: T,
    test?: (m: Extract<ToWebview, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ToWebview, { type: T }>>;
  of<T extends ToWebview['type']>(type: T): Array<Extract<ToWebview, { type: T }>>;
  close(): Promise<void>;
}

const openHarnesses = new Set<Harness>();

function lastOf<T>(posted: readonly ToWebview[], pick: (m: ToWebview) => T | undefined): T | undefined {
  for (let i = posted.length - 1; i >= 0; i--) {
    const value = pick(posted[i]);
    if (value !== undefined) return value;
  }
  return undefined;
}

async function openHarness(options: HarnessOptions = {}): Promise<Harness> {
  const memento = options.memento ?? new JsonMemento();
  const { context, secrets } = fakeExtensionContext(memento, options.globalState);
  const log: string[] = [];
  const services = new Services(context, recordingChannel(log));
  const token = options.token === undefined ? testToken : options.token;
  if (token !== null) await services.tokens.set(token);

  const fake = fakePanel();
  const controller = new PanelController(fake.panel, context, services, options.images ?? [], options.view);
  // The controller loads the jobs through the same service; waiting here means the panel has them too.
  await services.jobs.ready();

  const harness: Harness = {
    controller,
    services,
    fake,
    posted: fake.posted,
    log,
    memento,
    secrets: secrets.values,
    send: (message) => controller.receive(message),
    async ready() {
      const before = fake.posted.length;
      await controller.receive({ type: 'ready' });
      const answer = fake.posted[before];
      assert.equal(answer?.type, 'state', `ready was answered with ${JSON.stringify(answer)?.slice(0, 200)}`);
      return answer.state;
    },
    draft() {
      const draft = lastOf(fake.posted, (m) => (m.type === 'draft' ? m.draft : m.type === 'state' ? m.state.draft : undefined));
      assert.ok(draft, 'no draft has been posted');
      return draft;
    },
    jobs: () => lastOf(fake.posted, (m) => (m.type === 'jobs' ? m.jobs : m.type === 'state' ? m.state.jobs : undefined)) ?? [],
    results: () => lastOf(fake.posted, (m) => (m.type === 'results' ? m.results : m.type === 'state' ? m.state.results : undefined)) ?? [],
    waitDraft: (what, test, timeoutMs = 5000) =>
      waitFor(
        `draft: ${what}`,
        () => {
          const draft = lastOf(fake.posted, (m) => (m.type === 'draft' ? m.draft : m.type === 'state' ? m.state.draft : undefined));
          return draft && test(draft) ? draft : undefined;
        },
        timeoutMs,
      ),
    waitJob: (what, test, timeoutMs = 10_000) => waitFor(`job view: ${what}`, () => harness.jobs().find(test), timeoutMs),
    waitPosted: (type, test, timeoutMs = 10_000) => waitFor(`a posted ${type} message`, () => harness.of(type).find((m) => !test || test(m)), timeoutMs),
    of: <T extends ToWebview['type']>(type: T) => fake.posted.filter((m): m is Extract<ToWebview, { type: T }> => m.type === type),
    async close() {
      if (!openHarnesses.delete(harness)) return;
      controller.dispose();
      await services.shutdown();
      services.dispose();
      secrets.dispose();
    },
  };
  openHarnesses.add(harness);
  return harness;
}

/** The token (and any other listed secret) appears in no HTML and no message that went to the panel. */
function assertNoSecrets(h: Harness, secrets: readonly string[] = [testToken]): void {
  assert.deepEqual(h.fake.invalidPosts, [], 'the host posted messages that are not valid ToWebview');
  for (const secret of secrets) {
    assert.ok(!h.fake.webview.html.includes(secret), 'the token is in the panel HTML');
    const leaked = h.fake.postedJson.find((json) => json.includes(secret));
    assert.equal(leaked, undefined, 'the token was posted to the panel');
  }
}

function unescapeAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'the HTML has no Content-Security-Policy meta tag');
  const directives = new Map<string, string[]>();
  for (const part of content
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    assert.ok(!directives.has(name), `${name} appears twice in the CSP`);
    directives.set(name, values);
  }
  return directives;
}

function bootstrapState(html: string): PanelState {
  const raw = /<div id="root" data-state="([^"]*)"/.exec(html)?.[1];
  assert.ok(raw !== undefined, 'the HTML carries no data-state');
  const parsed = parseMessage(PanelState, JSON.parse(unescapeAttribute(raw)));
  assert.ok(parsed.ok, `data-state is not a PanelState: ${parsed.ok ? '' : parsed.reason}`);
  return parsed.message;
}

function fileUriString(...parts: string[]): string {
  return workspaceUri(...parts).toString();
}

/** Drops both fixture PNGs and waits until the host has read them. */
async function dropFixtures(h: Harness): Promise<DraftView> {
  await h.send({ type: 'dropFiles', uris: [fileUriString('landscape.png'), fileUriString('portrait.png')] });
  return h.waitDraft('both fixtures checked', (d) => d.images.length === 2 && d.images.every((i) => !i.checking));
}

/** Submits the current draft and returns the request id the panel was told about. */
async function submitDraft(h: Harness): Promise<string> {
  const before = h.of('submitted').length;
  await h.send({ type: 'submit' });
  const notices = h.of('notice');
  const submitted = h.of('submitted')[before];
  assert.ok(submitted, `the submit was not accepted; notices: ${JSON.stringify(notices)}`);
  return submitted.requestId;
}

function tabsOf(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => {
      const input = t.input;
      return (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) && input.uri.fsPath === uri.fsPath;
    });
}

describe('panel host: HTML, handshake and every webview message', () => {
  // Registered before useEmulator's hooks, so each controller stops before the emulator is reset and folders removed.
  afterEach(async function () {
    this.timeout(15_000);
    for (const h of [...openHarnesses]) {
      // A runtime that cannot stop (a download that never ends) must not take the following tests down with it.
      const stopped = await Promise.race([h.close().then(() => true), delay(5000).then(() => false)]);
      if (!stopped) console.warn("a panel controller's runtime did not stop within 5 s");
    }
  });
  const env = useEmulator();

  it('builds strict-CSP HTML with a fresh nonce, and a bootstrap state that is a valid PanelState with the draft and readable sizes', async function () {
    this.timeout(15_000);
    const first = await openHarness({ images: [workspaceUri('landscape.png')] });
    const prompt = 'Make the "sky" <b>red</b> & calm';
    await first.send({ type: 'updateDraft', prompt });
    const second = await openHarness({ memento: first.memento });

    const nonces: string[] = [];
    for (const h of [first, second]) {
      const html = h.fake.webview.html;
      const csp = cspOf(html);
      assert.deepEqual(csp.get('default-src'), ["'none'"]);
      assert.deepEqual(csp.get('connect-src'), ["'none'"]);
      assert.deepEqual(csp.get('img-src'), [CSP_SOURCE], 'images may come only from the extension and the shown folders');
      const script = csp.get('script-src');
      assert.equal(script?.length, 1, `script-src: ${script?.join(' ')}`);
      const nonce = /^'nonce-([A-Za-z0-9]+)'$/.exec(script[0])?.[1];
      assert.ok(nonce && nonce.length >= 16, `weak or missing nonce in ${script[0]}`);
      nonces.push(nonce);
      assert.ok(!/unsafe-inline|unsafe-eval/.test(html), 'the HTML allows unsafe-inline or unsafe-eval');
      // The one script is the shipped bundle, written into the page (no round trip before the page shows) under the nonce.
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.length, 1, 'one script tag');
      const [, attrs, body] = scripts[0];
      assert.equal(attrs.trim(), `nonce="${nonce}"`, `the script's attributes: ${attrs}`);
      const bundle = fs.readFileSync(path.join(repoRoot, 'dist', 'webview.js'), 'utf8');
      assert.equal(body.replace(/sourceMappingURL=\S+webview\.js\.map/, 'sourceMappingURL=webview.js.map'), bundle, 'the script is not the built bundle');
      const styles = [...html.matchAll(/<style\b([^>]*)>/g)];
      assert.ok(styles.length >= 1, 'no style tag');
      for (const [, styleAttrs] of styles) assert.ok(styleAttrs.includes(`nonce="${nonce}"`), `a style without the nonce: ${styleAttrs}`);
      assert.ok(!/<link\b/.test(html.replace(body, '')), 'the page links a file, which VS Code waits for before it shows the page');
      assert.deepEqual(h.fake.webview.options.enableScripts, true);
      const roots = (h.fake.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
      assert.ok(roots.includes(path.join(repoRoot, 'dist')), `roots: ${roots.join(', ')}`);
      assert.ok(roots.includes(workspacePath()), 'the folder of the draft image is not readable by the panel');
      assert.ok(!roots.includes('/'), 'the whole disk is readable by the panel');
    }
    assert.notEqual(nonces[0], nonces[1], 'two panels got the same nonce');

    for (const h of [first, second]) {
      const state = bootstrapState(h.fake.webview.html);
      assert.equal(state.draft.images.length, 1);
      assert.equal(state.draft.images[0].label, 'landscape.png');
      assert.equal(state.draft.images[0].path, workspacePath('landscape.png'));
      assert.equal(state.draft.images[0].thumb, webviewUri(workspacePath('landscape.png')));
      assert.equal(state.draft.size, '2048x2048(1:1)');
      assert.equal(state.draft.scale, 0.5);
      assert.equal(state.draft.forceSingle, false);
      assert.deepEqual(state.limits, { maxImages: 10, maxPromptLength: 800 });
      assert.equal(state.sizes.length, 11);
      assert.deepEqual(
        state.sizes.find((s) => s.value === '2048x2048(1:1)'),
        { value: '2048x2048(1:1)', label: '2048 × 2048 — square' },
      );
      assert.deepEqual(state.sizes.find((s) => s.value === '2560x1440(16:9)')?.label, '2560 × 1440 — 16:9 widescreen');
      for (const size of state.sizes) assert.match(size.label, /^\d+ × \d+ — \S/);
      assert.deepEqual(state.jobs, []);
      assert.deepEqual(state.results, []);
    }
    assert.equal(bootstrapState(first.fake.webview.html).draft.prompt, '', 'the first panel started with a prompt');
    assert.equal(bootstrapState(second.fake.webview.html).draft.prompt, prompt, 'the stored prompt (with quotes and tags) did not survive the attribute');
    for (const h of [first, second]) {
      await h.ready();
      // The panel learns it has a token from the full state answering ready, or from a later token message.
      await waitFor('the panel to know a token exists', () =>
        h.posted.some((m) => (m.type === 'state' && m.state.hasToken) || (m.type === 'token' && m.hasToken)),
      );
      assertNoSecrets(h);
    }
  });

  it('posts nothing before ready; ready (through onDidReceiveMessage) is answered by the full state first', async function () {
    this.timeout(15_000);
    const h = await openHarness({ images: [workspaceUri('portrait.png')] });
    await h.send({ type: 'dropFiles', uris: [fileUriString('landscape.png')] });
    await h.send({ type: 'viewChanged', view: 'jobs' });
    // Long enough for the image checks, the token lookup and the first jobs update to have wanted to post.
    await delay(400);
    assert.equal(h.posted.length, 0, `the host posted before the panel said it was ready: ${JSON.stringify(h.posted).slice(0, 300)}`);

    h.fake.deliver({ type: 'ready' });
    await waitFor('the answer to ready', () => h.posted.length > 0);
    const first = h.posted[0];
    assert.equal(first.type, 'state');
    const state = first.state;
    assert.deepEqual(
      state.draft.images.map((i) => i.label),
      ['portrait.png', 'landscape.png'],
    );
    assert.ok(
      state.draft.images.every((i) => !i.checking && i.format === 'png'),
      'the state does not carry what the checks found',
    );
    assert.equal(state.hasToken, true);
    assert.equal(state.view, 'jobs');
    // The price is read once the page is ready (the runtime it needs loads after the first paint): it follows the state.
    await waitFor('the price from the model metadata', () => h.posted.some((m) => m.type === 'price' && m.price === '$0.03 per image'));
    await delay(200);
    assert.equal(h.of('state').length, 1, 'more than one full state for one ready');
    assertNoSecrets(h);
    h.fake.deliver({ type: 'viewChanged', view: 'results' });
    await delay(50);
    await h.ready();
    assert.equal(h.of('state').at(-1)?.state.view, 'results');
  });

  it('addUrls: https is fine, plain http on a public host gets a url problem, loopback http is fine', async function () {
    const h = await openHarness();
    await h.ready();
    const urls = ['https://example.com/photos/lake.png', 'http://example.com/b.png', 'http://127.0.0.1:9/c.png'];
    await h.send({ type: 'addUrls', urls: urls.map((u) => ` ${u} `) });
    const draft = h.draft();
    assert.deepEqual(
      draft.images.map((i) => i.url),
      urls,
    );
    assert.deepEqual(
      draft.images.map((i) => i.kind),
      ['url', 'url', 'url'],
    );
    assert.deepEqual(draft.images[0].problems, []);
    assert.deepEqual(
      draft.images[1].problems.map((p) => p.rule),
      ['url'],
    );
    assert.match(draft.images[1].problems[0].message, /example\.com/);
    assert.deepEqual(draft.images[2].problems, []);
    assert.ok(
      draft.images.every((i) => i.thumb === undefined),
      'a remote URL was given to the panel as a thumbnail',
    );
  });

  it('dropFiles: file URIs become checked inputs with facts and webview thumbnails; a .txt is ignored with a warning', async function () {
    this.timeout(10_000);
    const h = await openHarness();
    await h.ready();
    await h.send({ type: 'dropFiles', uris: [fileUriString('landscape.png'), fileUriString('README.txt'), workspacePath('portrait.png')] });
    const warning = h.of('notice').find((n) => n.level === 'warning');
    assert.ok(warning, 'no warning about the ignored .txt');
    assert.match(warning.message, /Only images \(PNG, JPEG, WebP/);
    const draft = await h.waitDraft('both images checked', (d) => d.images.length === 2 && d.images.every((i) => !i.checking));
    const [landscape, portrait] = draft.images;
    assert.deepEqual(
      {
        label: landscape.label,
        path: landscape.path,
        kind: landscape.kind,
        format: landscape.format,
        bytes: landscape.bytes,
        width: landscape.width,
        height: landscape.height,
      },
      {
        label: 'landscape.png',
        path: workspacePath('landscape.png'),
        kind: 'file',
        format: 'png',
        bytes: readFixture('landscape.png').length,
        width: 64,
        height: 48,
      },
    );
    assert.deepEqual(
      { label: portrait.label, format: portrait.format, bytes: portrait.bytes, width: portrait.width, height: portrait.height },
      { label: 'portrait.png', format: 'png', bytes: readFixture('portrait.png').length, width: 48, height: 64 },
    );
    assert.equal(landscape.thumb, webviewUri(workspacePath('landscape.png')));
    assert.equal(portrait.thumb, webviewUri(workspacePath('portrait.png')));
    assert.deepEqual(landscape.problems, []);
    assert.deepEqual(portrait.problems, []);
    assert.notEqual(landscape.id, portrait.id);

    // The same file dropped again is not added twice.
    await h.send({ type: 'dropFiles', uris: [fileUriString('landscape.png')] });
    assert.equal(h.draft().images.length, 2);
  });

  it('the page may read the workspace from the start; an image from elsewhere adds its folder once, and removing it takes nothing away', async function () {
    this.timeout(10_000);
    const h = await openHarness();
    await h.ready();
    const roots = () => (h.fake.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
    assert.ok(roots().includes(workspacePath()), `roots: ${roots().join(', ')}`);
    const changes = h.fake.optionChanges.length;

    // Workspace images are readable already: no change of options, which would reload the page.
    await h.send({ type: 'dropFiles', uris: [fileUriString('landscape.png')] });
    await h.waitDraft('the workspace image checked', (d) => d.images.length === 1 && !d.images[0].checking);
    assert.equal(h.fake.optionChanges.length, changes, 'a workspace image changed the roots');

    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'runcomfy-roots-'));
    try {
      const outside = path.join(elsewhere, 'outside.png');
      fs.writeFileSync(outside, makePng(40, 30));
      await h.send({ type: 'dropFiles', uris: [vscode.Uri.file(outside).toString()] });
      const draft = await h.waitDraft('the outside image checked', (d) => d.images.length === 2 && d.images.every((i) => !i.checking));
      assert.equal(h.fake.optionChanges.length, changes + 1, 'the outside folder was not added exactly once');
      assert.ok(roots().includes(elsewhere), `the outside folder is not readable: ${roots().join(', ')}`);

      const before = roots();
      for (const image of draft.images) await h.send({ type: 'removeImage', id: image.id });
      assert.equal(h.draft().images.length, 0);
      assert.equal(h.fake.optionChanges.length, changes + 1, 'removing images changed the roots (and would reload the page)');
      assert.deepEqual(roots(), before);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('removeImage and moveImage change the draft, and the stored draft follows', async function () {
    this.timeout(10_000);
    const h = await openHarness();
    await h.ready();
    await h.send({ type: 'addUrls', urls: ['https://example.com/a.png', 'https://example.com/b.png', 'https://example.com/c.png'] });
    const ids = h.draft().images.map((i) => i.id);
    await h.send({ type: 'moveImage', id: ids[2], to: 0 });
    assert.deepEqual(
      h.draft().images.map((i) => i.url?.slice(-5)),
      ['c.png', 'a.png', 'b.png'],
    );
    await h.send({ type: 'moveImage', id: ids[2], to: 99 });
    assert.deepEqual(
      h.draft().images.map((i) => i.url?.slice(-5)),
      ['a.png', 'b.png', 'c.png'],
    );
    await h.send({ type: 'removeImage', id: ids[1] });
    assert.deepEqual(
      h.draft().images.map((i) => i.id),
      [ids[0], ids[2]],
    );
    await h.send({ type: 'removeImage', id: 'no-such-id' });
    await h.send({ type: 'moveImage', id: 'no-such-id', to: 0 });
    assert.deepEqual(
      h.draft().images.map((i) => i.id),
      [ids[0], ids[2]],
    );

    const again = await openHarness({ memento: h.memento });
    const restored = await again.ready();
    assert.deepEqual(
      restored.draft.images.map((i) => i.url),
      ['https://example.com/a.png', 'https://example.com/c.png'],
    );
  });

  it('updateDraft: prompt, size, scale and forceSingle are kept, and a second controller over the same workspace state restores them', async function () {
    this.timeout(10_000);
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Turn the lake into a glacier' });
    await h.send({ type: 'updateDraft', size: '2560x1440(16:9)', scale: 0.8 });
    await h.send({ type: 'updateDraft', forceSingle: true });
    // A size the model does not offer is ignored, not stored.
    await h.send({ type: 'updateDraft', size: '999x999(1:1)' });
    await h.close();
    assert.ok(h.fake.isDisposed(), 'disposing the controller did not dispose its panel');

    const again = await openHarness({ memento: h.memento });
    const fromHtml = bootstrapState(again.fake.webview.html).draft;
    const state = await again.ready();
    for (const draft of [fromHtml, state.draft]) {
      assert.equal(draft.prompt, 'Turn the lake into a glacier');
      assert.equal(draft.size, '2560x1440(16:9)');
      assert.equal(draft.scale, 0.8);
      assert.equal(draft.forceSingle, true);
      assert.deepEqual(
        draft.images.map((i) => i.path),
        [workspacePath('landscape.png'), workspacePath('portrait.png')],
      );
    }
    const checked = await again.waitDraft('restored images checked', (d) => d.images.every((i) => !i.checking));
    assert.deepEqual(
      checked.images.map((i) => [i.width, i.height]),
      [
        [64, 48],
        [48, 64],
      ],
    );
  });

  it('marks a text file named .png (type) and a 3100×1000 PNG (aspectRatio), and refuses to submit them', async function () {
    this.timeout(15_000);
    const { emulator } = env;
    const notPng = writeScratchFile('notes.png', 'just some text, not an image\n');
    const tooWide = writeScratchFile('too-wide.png', makePng(3100, 1000));
    const h = await openHarness();
    await h.ready();

    await h.send({ type: 'updateDraft', prompt: 'Anything' });
    await h.send({ type: 'submit' });
    assert.equal(h.of('notice').at(-1)?.level, 'error');
    assert.match(h.of('notice').at(-1)!.message, /at least one/i);

    await h.send({ type: 'dropFiles', uris: [vscode.Uri.file(notPng).toString(), vscode.Uri.file(tooWide).toString(), fileUriString('portrait.png')] });
    const draft = await h.waitDraft('all three checked', (d) => d.images.length === 3 && d.images.every((i) => !i.checking));
    const byLabel = new Map(draft.images.map((i) => [i.label, i]));
    assert.deepEqual(
      byLabel.get('notes.png')?.problems.map((p) => p.rule),
      ['type'],
    );
    assert.equal(byLabel.get('notes.png')?.thumb, undefined, 'a file that is not an image is offered as a thumbnail');
    assert.deepEqual(
      byLabel.get('too-wide.png')?.problems.map((p) => p.rule),
      ['aspectRatio'],
    );
    assert.deepEqual([byLabel.get('too-wide.png')?.width, byLabel.get('too-wide.png')?.height], [3100, 1000]);
    assert.deepEqual(byLabel.get('portrait.png')?.problems, []);

    await h.send({ type: 'submit' });
    let notice = h.of('notice').at(-1)!;
    assert.equal(notice.level, 'error');
    assert.match(notice.message, /notes\.png/);
    assert.equal(h.of('submitted').length, 0);

    await h.send({ type: 'removeImage', id: byLabel.get('notes.png')!.id });
    await h.send({ type: 'submit' });
    notice = h.of('notice').at(-1)!;
    assert.equal(notice.level, 'error');
    assert.match(notice.message, /too-wide\.png/);

    await h.send({ type: 'removeImage', id: byLabel.get('too-wide.png')!.id });
    await h.send({ type: 'updateDraft', prompt: '   ' });
    await h.send({ type: 'submit' });
    notice = h.of('notice').at(-1)!;
    assert.equal(notice.level, 'error');
    assert.match(notice.message, /prompt/i);

    assert.equal(h.of('submitted').length, 0);
    assert.equal(emulator.stats.submits, 0, 'a refused draft reached the service');
  });

  it('submit: one request with both images inline and the options; jobs move to succeeded; results list the saved files with before', async function () {
    this.timeout(25_000);
    const { emulator } = env;
    // Outputs at half the size asked for: the results must say what is on disk, not what was asked for.
    emulator.configure({ outputScale: 0.5 });
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Add a small boat on the lake', size: '2560x1440(16:9)', scale: 0.8, forceSingle: false });
    const requestId = await submitDraft(h);

    assert.equal(emulator.stats.submits, 1);
    const body = emulator.stats.submitBodies[0] as Record<string, unknown>;
    assert.deepEqual(body.image_urls, [
      `data:image/png;base64,${readFixture('landscape.png').toString('base64')}`,
      `data:image/png;base64,${readFixture('portrait.png').toString('base64')}`,
    ]);
    assert.equal(body.prompt, 'Add a small boat on the lake');
    assert.equal(body[sizeKey], '2560x1440(16:9)');
    assert.equal(body.scale, 0.8);
    assert.equal(body.force_single, false);
    assert.ok(emulator.job(requestId), 'the emulator does not know the request id the panel was given');

    const done = await h.waitJob('succeeded and saved', (j) => j.requestId === requestId && j.state === 'saved', 20_000);
    const seen = new Set(h.of('jobs').flatMap((m) => m.jobs.filter((j) => j.requestId === requestId).map((j) => j.state)));
    assert.ok(seen.has('queued') || seen.has('running'), `the panel never saw the job before it finished: ${[...seen].join(', ')}`);
    assert.equal(done.prompt, 'Add a small boat on the lake');
    assert.equal(isCancellable(done), false);

    const results = await waitFor('two results', () => {
      const r = h.results().filter((x) => x.requestId === requestId);
      return r.length === 2 ? r : undefined;
    });
    for (const result of results) {
      assert.equal(path.dirname(result.path), resultsDir());
      assert.ok(fs.existsSync(result.path), `${result.path} is not on disk`);
      assert.equal(result.name, path.basename(result.path));
      assert.equal(result.thumb, webviewUri(result.path));
      assert.equal(result.jobId, done.id);
      assert.equal(result.prompt, 'Add a small boat on the lake');
      assert.equal(result.size, '2560x1440(16:9)');
      const onDisk = imageSize(fs.readFileSync(result.path));
      assert.deepEqual([onDisk.width, onDisk.height], [1280, 720]);
      assert.deepEqual([result.width, result.height], [1280, 720]);
      assert.equal(result.scale, 0.8);
      assert.deepEqual(result.before, { label: 'landscape.png', thumb: webviewUri(workspacePath('landscape.png')) });
    }
    const roots = (h.fake.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
    assert.ok(
      roots.some((root) => resultsDir() === root || resultsDir().startsWith(root + path.sep)),
      `the panel may not load the result thumbnails: ${roots.join(', ')}`,
    );
    assert.equal(emulator.stats.submits, 1, 'submitted more than once');
    assertNoSecrets(h);
  });

  it("the Jobs view gets today's and this month's spending from RunComfy's cost, kept in global state beyond the job history", async function () {
    this.timeout(25_000);
    const globalState = new JsonMemento();
    const h = await openHarness({ globalState });
    const first = await h.ready();
    assert.deepEqual(first.spending, { today: 0, month: 0 });
    await h.send({ type: 'dropFiles', uris: [fileUriString('landscape.png')] });
    await h.waitDraft('the fixture checked', (d) => d.images.length === 1 && d.images.every((i) => !i.checking));
    await h.send({ type: 'updateDraft', prompt: 'Worth three cents', forceSingle: true });
    const requestId = await submitDraft(h);
    const done = await h.waitJob('saved with its cost', (j) => j.requestId === requestId && j.state === 'saved' && j.cost !== undefined, 20_000);
    assert.equal(done.cost, 0.03);
    const posted = await h.waitPosted('jobs', (m) => m.spending?.today === 0.03);
    assert.deepEqual(posted.spending, { today: 0.03, month: 0.03 });
    const ledger = globalState.get<Array<{ requestId: string; cost: number }>>('runcomfy.spending.v1') ?? [];
    assert.deepEqual(
      ledger.map((e) => [e.requestId, e.cost]),
      [[requestId, 0.03]],
    );
    await h.close();

    // Another workspace (no jobs in its history) over the same global state still knows what was spent.
    const other = await openHarness({ globalState });
    const state = await other.ready();
    assert.deepEqual(state.jobs, []);
    assert.deepEqual(state.spending, { today: 0.03, month: 0.03 });
    await other.close();
  });

  it('openResult, revealResult and useAsInput act on saved results only, never on another path', async function () {
    this.timeout(25_000);
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Sunset colours', forceSingle: true });
    const requestId = await submitDraft(h);
    const result = await waitFor('a saved result', () => h.results().find((r) => r.requestId === requestId), 20_000);

    await h.send({ type: 'openResult', path: '/etc/passwd' });
    await h.send({ type: 'openResult', path: workspacePath('landscape.png') });
    await h.send({ type: 'openResult', path: result.path });
    const tab = await waitFor('the result open in an editor tab', () => tabsOf(vscode.Uri.file(result.path))[0]);
    assert.ok(tab.input instanceof vscode.TabInputCustom, 'the result did not open in the image preview');
    assert.equal(tab.input.viewType, 'imagePreview.previewEditor');
    assert.equal(tabsOf(vscode.Uri.file('/etc/passwd')).length, 0, 'an arbitrary path was opened');
    assert.equal(tabsOf(workspaceUri('landscape.png')).length, 0, 'a file that is not a result was opened');

    await h.send({ type: 'revealResult', path: result.path });
    await h.send({ type: 'revealResult', path: '/etc/passwd' });
    assert.equal(h.of('notice').filter((n) => n.level === 'error').length, 0, `notices: ${JSON.stringify(h.of('notice'))}`);
    assert.ok(!h.log.some((l) => /revealResult failed/.test(l)), h.log.join('\n'));

    await h.send({ type: 'useAsInput', path: '/etc/passwd' });
    assert.equal(h.draft().images.length, 2);
    const showViews = h.of('showView').length;
    await h.send({ type: 'useAsInput', path: result.path });
    assert.deepEqual(h.of('showView').slice(showViews), [{ type: 'showView', view: 'compose' }]);
    const draft = await h.waitDraft('the result checked as an input', (d) => d.images.some((i) => i.path === result.path && !i.checking));
    const added = draft.images.find((i) => i.path === result.path)!;
    assert.equal(added.format, 'png');
    assert.deepEqual(added.problems, []);
    assert.equal(added.thumb, webviewUri(result.path));
  });

  it('runAgain: edit puts the job back in the draft; otherwise it submits the same request again', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Original prompt', size: '1024x1024(1:1)', scale: 0.3, forceSingle: true });
    const requestId = await submitDraft(h);
    const job = await h.waitJob('the submitted job', (j) => j.requestId === requestId);

    // The user moves on to something else.
    for (const image of h.draft().images) await h.send({ type: 'removeImage', id: image.id });
    await h.send({ type: 'addUrls', urls: ['https://example.com/other.png'] });
    await h.send({ type: 'updateDraft', prompt: 'Something else', size: '4096x4096(1:1)', scale: 0.9, forceSingle: false });

    const showViews = h.of('showView').length;
    await h.send({ type: 'runAgain', jobId: job.id, edit: true });
    assert.deepEqual(h.of('showView').slice(showViews), [{ type: 'showView', view: 'compose' }]);
    const draft = h.draft();
    assert.equal(draft.prompt, 'Original prompt');
    assert.equal(draft.size, '1024x1024(1:1)');
    assert.equal(draft.scale, 0.3);
    assert.equal(draft.forceSingle, true);
    assert.deepEqual(
      draft.images.map((i) => i.path),
      [workspacePath('landscape.png'), workspacePath('portrait.png')],
    );
    assert.equal(emulator.stats.submits, 1, 'editing a job submitted it');

    await h.send({ type: 'runAgain', jobId: job.id, edit: false });
    assert.equal(emulator.stats.submits, 1, 'run again paid before asking');
    const question = await h.waitPosted('confirmRunAgain');
    assert.equal(question.price, '$0.03 per image', 'the question does not show the price');
    assert.deepEqual(question.inputs, ['landscape.png', 'portrait.png']);
    assert.equal(question.prompt, 'Original prompt');
    await h.send({ type: 'confirmRunAgain', token: question.token });
    const submitted = h.of('submitted');
    assert.equal(submitted.length, 2);
    assert.notEqual(submitted[1].requestId, requestId);
    assert.equal(emulator.stats.submits, 2);
    assert.equal(emulator.stats.submitsByBody(emulator.stats.submitBodies[0]), 2, 'the second request differs from the first');

    await h.send({ type: 'runAgain', jobId: 'no-such-job', edit: false });
    assert.equal(emulator.stats.submits, 2);
  });

  it('two submit messages at once (a double click) make one paid submit; the second is dropped and logged', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Only once, please' });
    h.fake.deliver({ type: 'submit' });
    h.fake.deliver({ type: 'submit' });
    await h.waitPosted('submitted', undefined, 15_000);
    // The host has handled the second click (it says so) before the count is read.
    await waitFor('the second submit handled', () => h.log.some((l) => /dropped submit/.test(l)));
    assert.equal(emulator.stats.submits, 1, 'a double click paid twice');
    assert.equal(h.of('submitted').length, 1);
    assert.deepEqual(
      h.of('busy').map((m) => m.submitting),
      [true, false],
    );
    assert.ok(
      h.log.some((l) => /dropped submit/.test(l)),
      h.log.join('\n'),
    );
  });

  it('the same draft submitted again within seconds asks "Submit the same edit again?" first; no means no submit', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    let answer: string | undefined = undefined;
    const questions = replaceWindowFunction('showWarningMessage', (original, ...args) =>
      /Submit the same edit again/.test(String(args[0])) ? Promise.resolve(answer) : original(...args),
    );
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Twice?' });
    await submitDraft(h);
    assert.equal(questions.calls.length, 0);
    await h.send({ type: 'submit' });
    assert.equal(questions.calls.length, 1, 'the repeat was not asked about');
    assert.equal(emulator.stats.submits, 1, 'the declined repeat was paid for');
    assert.deepEqual(h.of('busy').at(-1), { type: 'busy', submitting: false }, 'Submit was not freed after the no');
    answer = 'Submit Again';
    await submitDraft(h);
    assert.equal(emulator.stats.submits, 2);
    await h.send({ type: 'updateDraft', prompt: 'Something new' });
    await submitDraft(h);
    assert.equal(questions.calls.length, 2, 'a different edit was asked about');
    assert.equal(emulator.stats.submits, 3);
  });

  it('deletePreset asks in a modal dialog naming the preset; only "Delete Preset" deletes it', async function () {
    this.timeout(10_000);
    let answer: string | undefined = undefined;
    const questions = replaceWindowFunction('showWarningMessage', (original, ...args) =>
      /Delete the preset/.test(String(args[0])) ? Promise.resolve(answer) : original(...args),
    );
    const h = await openHarness();
    await h.ready();
    await h.send({ type: 'updateDraft', prompt: 'Keep me around' });
    await h.send({ type: 'savePreset', name: 'Keeper' });
    const saved = h
      .of('library')
      .at(-1)
      ?.library.presets.find((p) => p.name === 'Keeper');
    assert.ok(saved, 'the preset was not saved');

    await h.send({ type: 'deletePreset', id: saved.id });
    assert.equal(questions.calls.length, 1, 'deleting was not asked about');
    assert.equal(String(questions.calls[0][0]), 'Delete the preset “Keeper”?');
    assert.deepEqual((questions.calls[0][1] as vscode.MessageOptions).modal, true);
    assert.ok(
      h.services.library.presets().some((p) => p.id === saved.id),
      'a dismissed question deleted the preset',
    );

    answer = 'Delete Preset';
    await h.send({ type: 'deletePreset', id: saved.id });
    assert.equal(questions.calls.length, 2);
    assert.ok(!h.services.library.presets().some((p) => p.id === saved.id), 'the preset is still there');
    assert.ok(
      !h
        .of('library')
        .at(-1)
        ?.library.presets.some((p) => p.id === saved.id),
      'the panel still lists it',
    );
  });

  it('a signed URL input goes to RunComfy in full, but the panel, stored jobs and draft, sidecars and log keep no query', async function () {
    this.timeout(25_000);
    const { emulator } = env;
    const signed = 'https://bucket.s3.amazonaws.com/in/photo.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f0';
    const h = await openHarness();
    await h.ready();
    await h.send({ type: 'addUrls', urls: [signed] });
    await h.send({ type: 'updateDraft', prompt: 'A signed input', forceSingle: true });
    const requestId = await submitDraft(h);
    assert.deepEqual((emulator.stats.submitBodies[0] as { image_urls: string[] }).image_urls, [signed], 'RunComfy did not get the full URL');
    const shown = h.draft().images[0];
    assert.equal(shown.label, 'https://bucket.s3.amazonaws.com/in/photo.png (query removed)');

    const saved = await waitFor('the saved result', () => h.results().find((r) => r.requestId === requestId), 20_000);
    const sidecar = fs.readFileSync(saved.path.replace(/\.png$/, '.json'), 'utf8');
    const stored = h.memento.snapshot();
    for (const [where, text] of [
      ['the sidecar', sidecar],
      ['workspace state (jobs and draft)', stored],
      ['a message to the panel', h.fake.postedJson.join('\n')],
      ['the log', h.log.join('\n')],
    ]) {
      assert.ok(!text.includes('X-Amz'), `${where} carries the query`);
    }
    assert.match(sidecar, /photo\.png \(query removed\)/);
    assert.match(stored, /photo\.png \(query removed\)/);
  });

  it('cancelJob on a queued job: RunComfy cancels it and the jobs view says cancelled', async function () {
    this.timeout(15_000);
    const { emulator } = env;
    emulator.nextJob({ queueMs: 30_000, runMs: 500 });
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Queued for a while' });
    const requestId = await submitDraft(h);
    const queued = await h.waitJob('queued and cancellable', (j) => j.requestId === requestId && j.state === 'queued' && isCancellable(j));

    await h.send({ type: 'cancelJob', jobId: 'no-such-job' });
    assert.equal(emulator.stats.cancels(), 0);
    await h.send({ type: 'cancelJob', jobId: queued.id });
    assert.equal(emulator.stats.cancels(requestId), 1);
    assert.equal(emulator.job(requestId)?.state, 'cancelled');
    const cancelled = await h.waitJob('cancelled', (j) => j.id === queued.id && j.state === 'cancelled');
    assert.equal(isCancellable(cancelled), false);
    assert.equal(cancelled.cancelOutcome, 'cancelled');
    assert.match(stateWords(cancelled), /cancel/i);
  });

  it("copyRequestId puts the job's request_id on the clipboard, and nothing for an unknown job", async function () {
    this.timeout(15_000);
    const { emulator } = env;
    emulator.nextJob({ queueMs: 30_000 });
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Copy my id' });
    const requestId = await submitDraft(h);
    const job = await h.waitJob('the submitted job', (j) => j.requestId === requestId);

    await vscode.env.clipboard.writeText('clipboard before');
    await h.send({ type: 'copyRequestId', jobId: 'no-such-job' });
    assert.equal(await vscode.env.clipboard.readText(), 'clipboard before');
    await h.send({ type: 'copyRequestId', jobId: job.id });
    assert.equal(await vscode.env.clipboard.readText(), requestId);
  });

  it('retryDownload fetches a failed download again without a new submit', async function () {
    this.timeout(25_000);
    const { emulator } = env;
    // The first (and only) output download is refused as an expired link; fresh links from /result are the same, so it is not retried on its own.
    emulator.inject({ route: 'download', kind: 'http', status: 403, times: 1 });
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Download me twice', forceSingle: true });
    const requestId = await submitDraft(h);
    const failed = await h.waitJob('its download failed', (j) => j.requestId === requestId && j.state === 'saveFailed', 20_000);
    assert.equal(failed.retryable, false);
    assert.match(failed.error ?? '', /403/);
    assert.equal(h.results().length, 0);
    assert.equal(emulator.stats.downloads(requestId), 1);

    await h.send({ type: 'retryDownload', jobId: failed.id });
    const saved = await h.waitJob('saved after the retry', (j) => j.id === failed.id && j.state === 'saved');
    assert.equal(saved.error, undefined);
    const results = await waitFor('the result listed', () => {
      const r = h.results().filter((x) => x.requestId === requestId);
      return r.length === 1 ? r : undefined;
    });
    assert.ok(fs.existsSync(results[0].path));
    assert.equal(emulator.stats.submits, 1, 'retrying the download submitted again');
    assert.equal(emulator.stats.downloads(requestId), 2);
  });

  it('setToken asks for the token in a password box and stores it; the panel learns it has one, never its value', async function () {
    this.timeout(15_000);
    const { emulator } = env;
    const h = await openHarness({ token: null });
    const state = await h.ready();
    assert.equal(state.hasToken, false);
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Needs a token' });
    await h.send({ type: 'submit' });
    assert.equal(h.of('notice').at(-1)?.level, 'error');
    assert.match(h.of('notice').at(-1)!.message, /token/i);
    assert.equal(emulator.stats.submits, 0);

    const box = replaceWindowFunction('showInputBox', () => Promise.resolve(`Bearer ${testToken}`));
    await h.send({ type: 'setToken' });
    assert.equal(box.calls.length, 1);
    const options = box.calls[0][0] as vscode.InputBoxOptions;
    assert.equal(options.password, true, 'the token box does not hide what is typed');
    await h.waitPosted('token', (m) => m.hasToken);
    assert.deepEqual([...h.secrets.values()], [testToken], 'the token is not stored (or stored with its "Bearer " prefix)');

    await submitDraft(h);
    assert.equal(emulator.stats.submits, 1);
    assertNoSecrets(h);
    assert.ok(!h.log.some((l) => l.includes(testToken)), 'the token is in the log');
  });

  it('viewChanged is remembered: the next full state lands on that view', async function () {
    const h = await openHarness({ view: 'jobs' });
    assert.equal(bootstrapState(h.fake.webview.html).view, 'jobs');
    assert.equal((await h.ready()).view, 'jobs');
    await h.send({ type: 'viewChanged', view: 'results' });
    // A reloaded webview says ready again.
    assert.equal((await h.ready()).view, 'results');
    await h.send({ type: 'viewChanged', view: 'compose' });
    assert.equal((await h.ready()).view, 'compose');
  });

  it('pickImages: the host picker adds the chosen images (Browse… and Workspace images…)', async function () {
    this.timeout(30_000);
    const h = await openHarness();
    await h.ready();

    type SourceItem = vscode.QuickPickItem & { source?: string };
    let source = 'browse';
    const quickPick = replaceWindowFunction('showQuickPick', (_original, items) => Promise.resolve((items as SourceItem[]).find((i) => i.source === source)));
    const dialog = replaceWindowFunction('showOpenDialog', () => Promise.resolve([workspaceUri('landscape.png')]));
    await h.send({ type: 'pickImages' });
    assert.equal(quickPick.calls.length, 1);
    assert.equal(dialog.calls.length, 1);
    // The sources name every format fitting reads, as the file dialog's filter and the workspace search take them.
    const workspaceRow = (quickPick.calls[0][0] as SourceItem[]).find((i) => i.source === 'workspace');
    for (const format of ['PNG', 'JPEG', 'WebP', 'GIF', 'BMP', 'TIFF', 'AVIF', 'HEIC'])
      assert.ok(workspaceRow?.detail?.includes(format), `${format} in "${workspaceRow?.detail}"`);
    const filters = (dialog.calls[0][0] as vscode.OpenDialogOptions).filters ?? {};
    assert.deepEqual(Object.values(filters)[0], ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'tif', 'tiff', 'avif', 'heic', 'heif']);
    await h.waitDraft('landscape picked', (d) => d.images.some((i) => i.path === workspacePath('landscape.png') && !i.checking));

    source = 'workspace';
    let picker: vscode.QuickPick<vscode.QuickPickItem> | undefined;
    replaceWindowFunction('createQuickPick', (original) => {
      picker = original() as vscode.QuickPick<vscode.QuickPickItem>;
      return picker;
    });
    const picking = h.send({ type: 'pickImages' });
    const items = await waitFor('the workspace images listed', () => (picker && picker.items.length > 0 ? picker.items : undefined));
    assert.deepEqual(items.map((i) => i.label).sort(), ['landscape.png', 'portrait.png']);
    picker!.selectedItems = items.filter((i) => i.label === 'portrait.png');
    await acceptQuickInput('the portrait added to the draft', () => h.draft().images.some((i) => i.path === workspacePath('portrait.png')));
    await picking;
    const draft = await h.waitDraft('both checked', (d) => d.images.length === 2 && d.images.every((i) => !i.checking));
    assert.deepEqual(
      draft.images.map((i) => i.label),
      ['landscape.png', 'portrait.png'],
    );

    // Escape at the first step adds nothing.
    source = 'none';
    await h.send({ type: 'pickImages' });
    assert.equal(h.draft().images.length, 2);
  });

  it('drops invalid messages without throwing, logs each, and changes nothing', async function () {
    this.timeout(10_000);
    const { emulator } = env;
    const h = await openHarness();
    await h.ready();
    await dropFixtures(h);
    await h.send({ type: 'updateDraft', prompt: 'Keep me' });
    await delay(150);
    const posted = h.posted.length;
    const stored = h.memento.snapshot();
    const id = h.draft().images[0].id;
    const invalid: unknown[] = [
      { type: 'noSuchMessage' },
      { type: 'removeImage', id: 5 },
      { type: 'moveImage', id, to: -1 },
      { type: 'moveImage', id, to: 0.5 },
      { type: 'addUrls', urls: Array.from({ length: 21 }, (_, i) => `https://example.com/${i}.png`) },
      { type: 'addUrls', urls: 'https://example.com/a.png' },
      { type: 'dropFiles', uris: Array.from({ length: 51 }, () => fileUriString('landscape.png')) },
      { type: 'updateDraft', scale: 2 },
      { type: 'updateDraft', prompt: 42 },
      { type: 'updateDraft', prompt: 'x'.repeat(10_001) },
      { type: 'viewChanged', view: 'settings' },
      { type: 'runAgain', jobId: 'x' },
      { type: 'openResult' },
      'submit',
      null,
      undefined,
      42,
      [{ type: 'submit' }],
    ];
    for (const message of invalid) await h.send(message);
    await delay(150);
    assert.equal(h.posted.length, posted, `posted after invalid messages: ${JSON.stringify(h.posted.slice(posted))}`);
    assert.equal(h.memento.snapshot(), stored, 'an invalid message changed the stored draft');
    const dropped = h.log.filter((l) => l.startsWith('warn ') && l.includes('dropped an invalid message'));
    assert.equal(dropped.length, invalid.length, dropped.join('\n'));
    assert.equal(emulator.stats.submits, 0);
  });
});
