// The panel's entry point: renders the bootstrap state at once, then applies validated messages from the host.
import './zodSetup';
import './panel.css';
import { MAX_IMAGES, MAX_PROMPT_LENGTH } from '../api/model';
import * as l10n from '@vscode/l10n';
import { setDisplayLanguage, setTranslator } from '../common/l10n';
import { PanelState, parseMessage, ToWebview } from '../protocol/messages';
import { ComposeView } from './compose';
import { RunAgainQuestion } from './confirmRunAgain';
import { connectToHost } from './host';
import { acceptPastedImages } from './imageBytes';
import { JobsView } from './jobs';
import { ResultsView } from './results';
import { Shell } from './shell';
import { activeCount } from './jobStatus';
import type { ViewName } from './viewModel';
import { parseUiState, type UiState } from './viewState';

function emptyState(): PanelState {
  return {
    draft: { images: [], prompt: '', size: '', scale: 0.5, forceSingle: false },
    jobs: [],
    results: [],
    // Unknown until the host answers `ready`; assuming a token avoids flashing a "Set API token" button.
    hasToken: true,
    sizes: [],
    limits: { maxImages: MAX_IMAGES, maxPromptLength: MAX_PROMPT_LENGTH },
  };
}

/**
 * Speaks the user's language when the host provides its translations (VS Code's `l10n.bundle`, English text to
 * translated text) in `data-l10n`; without them the panel stays in English.
 */
function installLanguage(root: HTMLElement): void {
  setDisplayLanguage(document.documentElement.lang);
  const raw = root.dataset.l10n;
  if (!raw) return;
  let bundle: unknown;
  try {
    bundle = JSON.parse(raw);
  } catch (error) {
    console.warn('[runcomfy panel] data-l10n is not JSON; staying in English', error);
    return;
  }
  if (!bundle || typeof bundle !== 'object' || Array.isArray(bundle)) return;
  const contents = Object.fromEntries(Object.entries(bundle).filter((e): e is [string, string] => typeof e[1] === 'string'));
  l10n.config({ contents });
  setTranslator((message, ...args) => l10n.t(message, ...args));
}

function readBootstrapState(root: HTMLElement): PanelState {
  const raw = root.dataset.state;
  if (!raw) return emptyState();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    console.warn('[runcomfy panel] data-state is not JSON; starting empty', error);
    return emptyState();
  }
  const parsed = parseMessage(PanelState, json);
  if (parsed.ok) return parsed.message;
  console.warn(`[runcomfy panel] data-state is not a panel state (${parsed.reason}); starting empty`);
  return emptyState();
}

/** Without a paint to wait for (a panel opened behind another editor is not drawn), the rest is built after this. */
const UNPAINTED_MS = 1500;

/**
 * What the first paint of Compose does not need waits until the user sees it. VS Code keeps a webview's page hidden
 * until its load event and only then swaps it in, so the page's own first contentful paint is the moment. Then the
 * codicon font is declared (a font still loading would hold the load event back; its glyphs, hidden until then by
 * panel.css, appear when it arrives), and `later` runs.
 */
function afterFirstPaint(later: () => void): void {
  let observer: PerformanceObserver | undefined;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    observer?.disconnect();
    clearTimeout(fallback);
    const font = document.getElementById('codicon-font');
    if (font instanceof HTMLStyleElement) font.media = 'all';
    document.documentElement.classList.add('codicon-font');
    setTimeout(later, 0);
  };
  try {
    observer = new PerformanceObserver((entries) => {
      if (entries.getEntriesByName('first-contentful-paint').length > 0) run();
    });
    observer.observe({ type: 'paint', buffered: true });
  } catch (error) {
    console.warn('[runcomfy panel] paint timing is not available; building the other views after the load', error);
    window.addEventListener('load', () => requestAnimationFrame(run), { once: true });
  }
  // Counted from the load event, when VS Code shows the page: the font may only be declared after it.
  window.addEventListener('load', () => (fallback = setTimeout(run, UNPAINTED_MS)), { once: true });
}

function start(): void {
  const root = document.getElementById('root');
  if (!root) {
    console.warn('[runcomfy panel] no #root element');
    return;
  }
  installLanguage(root);
  const host = connectToHost();
  let state = readBootstrapState(root);
  const ui: UiState = parseUiState(host.getState(), state.view ?? 'compose');

  let persistQueued = false;
  const persist = (): void => {
    // Scrolling and dragging fire many events; one write per frame is plenty.
    if (persistQueued) return;
    persistQueued = true;
    requestAnimationFrame(() => {
      persistQueued = false;
      host.setState(ui);
    });
  };

  const now = (): number => Date.now();
  const showView = (view: ViewName): void => {
    if (shell.select(view)) viewShown(view, true);
  };
  const compose = new ComposeView({ post: host.post }, state);
  const shell = new Shell({
    views: { compose: compose.element },
    initial: ui.view,
    onSelect: (view) => viewShown(view, true),
  });
  shell.setActiveJobs(activeCount(state.jobs));

  // The Jobs and Results views and the run-again question are built when first needed, or after the first paint
  // (see afterFirstPaint), from the state of that moment; until then the messages for them only update `state`.
  let jobs: JobsView | undefined;
  let results: ResultsView | undefined;
  let runAgain: RunAgainQuestion | undefined;
  const jobsView = (): JobsView => {
    if (!jobs) {
      jobs = new JobsView({ post: host.post, now, showCompose: () => showView('compose') }, state.jobs, state.spending);
      shell.fill('jobs', jobs.element);
    }
    return jobs;
  };
  const resultsView = (): ResultsView => {
    if (!results) {
      results = new ResultsView(
        {
          post: host.post,
          now,
          showCompose: () => showView('compose'),
          persistCompare: (compare) => {
            ui.compare = compare;
            persist();
          },
        },
        state.results,
      );
      shell.fill('results', results.element);
      if (ui.compare) results.restoreCompare(ui.compare.path, ui.compare.position);
    }
    return results;
  };
  const runAgainQuestion = (): RunAgainQuestion => {
    if (!runAgain) {
      runAgain = new RunAgainQuestion(host.post);
      root.append(runAgain.element);
    }
    return runAgain;
  };
  const ensureView = (view: ViewName): void => {
    if (view === 'jobs') jobsView();
    else if (view === 'results') resultsView();
  };

  function viewShown(view: ViewName, tellHost: boolean): void {
    ensureView(view);
    ui.view = view;
    persist();
    if (view !== 'compose') compose.flushPrompt();
    requestAnimationFrame(() => {
      if (view === 'compose') compose.shown();
      shell.scroller(view).scrollTop = ui.scroll[view] ?? 0;
    });
    if (tellHost) host.post({ type: 'viewChanged', view });
  }

  for (const view of ['compose', 'jobs', 'results'] as const) {
    shell.scroller(view).addEventListener(
      'scroll',
      () => {
        if (shell.view !== view) return;
        ui.scroll[view] = shell.scroller(view).scrollTop;
        persist();
      },
      { passive: true },
    );
  }

  acceptPastedImages({ post: host.post, notice: (message) => shell.notice('error', message) });
  root.replaceChildren(shell.element);
  ensureView(ui.view);
  // The host answers `ready` with the full state and then everything it held back: once the user sees the panel, so
  // the answer is not handled while the first frame is still being drawn.
  afterFirstPaint(() => {
    host.post({ type: 'ready' });
    jobsView();
    resultsView();
    runAgainQuestion();
  });
  requestAnimationFrame(() => {
    shell.scroller(ui.view).scrollTop = ui.scroll[ui.view] ?? 0;
  });

  document.addEventListener('keydown', (event) => {
    // The comparison closes on Escape even when focus has left it (after a click on the image).
    if (event.key === 'Escape' && shell.view === 'results' && results?.comparing) {
      event.preventDefault();
      results?.closeCompare();
    }
  });
  // A reload or close must not lose the last keystrokes still waiting for the debounce.
  window.addEventListener('pagehide', () => compose.flushPrompt());

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = parseMessage(ToWebview, event.data);
    if (!parsed.ok) {
      console.warn(`[runcomfy panel] dropped an invalid message (${parsed.reason})`, event.data);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'state':
        state = message.state;
        compose.update(state);
        compose.setBusy(state.submitting === true, false);
        jobs?.update(state.jobs, state.spending);
        results?.update(state.results);
        shell.setActiveJobs(activeCount(state.jobs));
        break;
      case 'draft':
        state = { ...state, draft: message.draft };
        compose.updateDraft(message.draft);
        break;
      case 'jobs':
        state = { ...state, jobs: message.jobs, spending: message.spending };
        jobs?.update(message.jobs, message.spending);
        shell.setActiveJobs(activeCount(message.jobs));
        break;
      case 'results':
        state = { ...state, results: message.results };
        results?.update(message.results);
        break;
      case 'token':
        state = { ...state, hasToken: message.hasToken };
        compose.update(state);
        break;
      case 'price':
        state = { ...state, price: message.price };
        compose.update(state);
        break;
      case 'library':
        state = { ...state, library: message.library };
        compose.update(state);
        break;
      case 'submitted':
        jobsView().showSubmitted(message.requestId);
        showView('jobs');
        break;
      case 'busy':
        compose.setBusy(message.submitting);
        break;
      case 'confirmRunAgain':
        runAgainQuestion().ask(message);
        break;
      case 'notice':
        shell.notice(message.level, message.message);
        break;
      case 'showView':
        if (shell.select(message.view)) viewShown(message.view, false);
        break;
    }
  });
}

// The script sits in the page's head (so the body's text is only the panel's): it starts once the body is parsed.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
