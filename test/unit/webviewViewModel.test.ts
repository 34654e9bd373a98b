// Unit tests for the panel's pure view logic: submit rules, counters, formatting, reordering, URL and drop parsing.
import * as assert from 'node:assert/strict';
import { formatMessage, setDisplayLanguage, setTranslator } from '../../src/common/l10n';
import { type InputView, type JobView, ResultView } from '../../src/protocol/messages';
import { formatDuration } from '../../src/common/wording';
import { activeCount, formatAgo, jobStatus, notCancellableText, sortJobs, truncate } from '../../src/webview-ui/jobStatus';
import {
  dropIndex,
  formatBytes,
  imageFacts,
  parseUriList,
  parseUrlInput,
  promptCounter,
  reorder,
  submitBlockers,
  submitState,
  urlProblem,
} from '../../src/webview-ui/viewModel';
import { parseUiState, ratioAt, resultMeta, sizeText } from '../../src/webview-ui/viewState';

const limits = { maxImages: 3, maxPromptLength: 20 };

function image(id: string, extra: Partial<InputView> = {}): InputView {
  return { id, kind: 'file', label: `${id}.png`, problems: [], ...extra };
}

function job(extra: Partial<JobView>): JobView {
  return {
    id: 'j',
    state: 'queued',
    prompt: 'p',
    createdAt: 0,
    ...extra,
  };
}

describe('webview view model', () => {
  describe('submitState', () => {
    const ready = { images: [image('a')], prompt: 'make it blue', hasToken: true, limits };

    it('enables Submit when everything is in order', () => {
      assert.deepEqual(submitState(ready), { enabled: true, reason: undefined, needsToken: false });
    });

    it('asks for an image first', () => {
      const state = submitState({ ...ready, images: [], prompt: '' });
      assert.equal(state.enabled, false);
      assert.equal(state.reason, 'Add at least one input image.');
    });

    it('counts images over the limit', () => {
      const state = submitState({ ...ready, images: ['a', 'b', 'c', 'd', 'e'].map((id) => image(id)) });
      assert.equal(state.reason, '5 images are in the draft; at most 3 can be sent.');
    });

    it('waits for images still being checked', () => {
      assert.equal(submitState({ ...ready, images: [image('a', { checking: true })] }).reason, 'Checking a.png…');
    });

    it('names the broken image and its first problem', () => {
      const broken = image('big', { problems: [{ rule: 'fileSize', message: 'big.png is 16.0 MB; each image must be at most 15 MB.' }] });
      assert.equal(
        submitState({ ...ready, images: [image('a'), broken] }).reason,
        'Fix or remove big.png: big.png is 16.0 MB; each image must be at most 15 MB.',
      );
      const two = [broken, image('c', { problems: [{ rule: 'type', message: 'c' }] })];
      assert.equal(submitState({ ...ready, images: two }).reason, 'Fix or remove the 2 images marked with errors.');
    });

    it('refuses blank and over-long prompts', () => {
      assert.equal(submitState({ ...ready, prompt: '   \n' }).reason, 'Write a prompt that describes the edit.');
      assert.equal(submitState({ ...ready, prompt: 'x'.repeat(21) }).reason, 'The prompt is 21 characters long; the limit is 20.');
      assert.equal(submitState({ ...ready, prompt: 'x'.repeat(20) }).enabled, true);
    });

    it('keeps a missing token apart from the reason line', () => {
      const state = submitState({ ...ready, hasToken: false });
      assert.deepEqual(state, { enabled: false, reason: undefined, needsToken: true });
      assert.deepEqual(
        submitBlockers({ ...ready, hasToken: false }).map((b) => b.kind),
        ['token'],
      );
    });

    it('lists blockers in the order a person fixes them', () => {
      const kinds = submitBlockers({
        images: [image('a', { checking: true, problems: [{ rule: 'x', message: 'm' }] })],
        prompt: '',
        hasToken: false,
        limits,
      }).map((b) => b.kind);
      assert.deepEqual(kinds, ['checking', 'problems', 'prompt', 'token']);
    });
  });

  describe('promptCounter', () => {
    it('shows length over limit and flags excess', () => {
      assert.deepEqual(promptCounter('hello', 800), { text: '5/800', label: '5 of 800 characters', over: false, message: undefined });
      const over = promptCounter('x'.repeat(805), 800);
      assert.equal(over.text, '805/800');
      assert.equal(over.over, true);
      assert.equal(over.message, 'The prompt is 805 characters long; the limit is 800.');
    });

    it('counts code points like the host and the API', () => {
      assert.equal(promptCounter('🙂', 800).text, '1/800');
    });
  });

  describe('formatting', () => {
    it('formats bytes in binary units', () => {
      assert.equal(formatBytes(512), '512 B');
      assert.equal(formatBytes(2048), '2 KB');
      assert.equal(formatBytes(1.2 * 1024 * 1024), '1.2 MB');
      assert.equal(formatBytes(-1), '');
    });

    it('describes an image by format, size and dimensions', () => {
      assert.equal(imageFacts(image('a', { format: 'png', bytes: 1258291, width: 2048, height: 1536 })), 'PNG · 1.2 MB · 2048×1536');
      assert.equal(imageFacts(image('a', { format: 'jpeg' })), 'JPEG');
      assert.equal(imageFacts(image('a')), '');
      assert.equal(imageFacts(image('u', { kind: 'url' })), 'Web image, fetched by RunComfy');
    });

    it('formats durations as a clock', () => {
      assert.equal(formatDuration(0), '0:00');
      assert.equal(formatDuration(7_900), '0:07');
      assert.equal(formatDuration(83_000), '1:23');
      assert.equal(formatDuration(3_723_000), '1:02:03');
      assert.equal(formatDuration(-5), '0:00');
    });

    it('formats relative times', () => {
      const now = 10 * 86_400_000;
      assert.equal(formatAgo(now - 10_000, now), 'just now');
      assert.equal(formatAgo(now - 5 * 60_000, now), '5 min ago');
      assert.equal(formatAgo(now - 3 * 3_600_000, now), '3 h ago');
      assert.equal(formatAgo(now - 86_400_000, now), 'yesterday');
      assert.equal(formatAgo(now - 3 * 86_400_000, now), '3 days ago');
    });

    it('truncates on one line', () => {
      assert.equal(truncate('a  b\nc', 10), 'a b c');
      assert.equal(truncate('abcdefghij', 5), 'abcd…');
    });

    it('describes results', () => {
      assert.equal(sizeText('2048x2048(1:1)'), '2048 × 2048');
      assert.equal(sizeText('odd'), 'odd');
      const result: ResultView = {
        jobId: 'j',
        requestId: 'r',
        path: '/p.png',
        name: 'p.png',
        thumb: 't',
        prompt: 'p',
        size: '2304x1728(4:3)',
        scale: 0.5,
        forceSingle: true,
      };
      assert.equal(resultMeta(result), '2304 × 1728 · scale 0.50 · single output');
      assert.equal(resultMeta({ ...result, size: undefined, scale: undefined, forceSingle: false }), '');
    });

    it("labels a result with its saved file's pixel size, not the size asked for", () => {
      const result: ResultView = {
        jobId: 'j',
        requestId: 'r',
        path: '/p.png',
        name: 'p.png',
        thumb: 't',
        prompt: 'p',
        size: '2048x2048(1:1)',
        width: 256,
        height: 256,
      };
      assert.equal(resultMeta(result), '256 × 256');
      assert.equal(ResultView.parse(result).width, 256, 'the protocol carries it to the webview');
    });
  });

  describe('reordering', () => {
    it('moves an item to its new index', () => {
      assert.deepEqual(reorder(['a', 'b', 'c', 'd'], 0, 2), ['b', 'c', 'a', 'd']);
      assert.deepEqual(reorder(['a', 'b', 'c', 'd'], 3, 0), ['d', 'a', 'b', 'c']);
      assert.deepEqual(reorder(['a', 'b'], 5, 0), ['a', 'b']);
      assert.deepEqual(reorder(['a', 'b', 'c'], 0, 99), ['b', 'c', 'a']);
    });

    it('computes the final index of a drop before or after a card', () => {
      assert.equal(dropIndex(0, 2, true), 2);
      assert.equal(dropIndex(0, 2, false), 1);
      assert.equal(dropIndex(3, 0, false), 0);
      assert.equal(dropIndex(3, 0, true), 1);
      assert.equal(dropIndex(1, 1, true), 1);
      const items = ['a', 'b', 'c', 'd'];
      assert.deepEqual(reorder(items, 0, dropIndex(0, 3, true)), ['b', 'c', 'd', 'a']);
    });
  });

  describe('URLs', () => {
    it('accepts https and loopback http only', () => {
      assert.equal(urlProblem('https://example.com/a.png'), undefined);
      assert.equal(urlProblem('http://127.0.0.1:8080/a.png'), undefined);
      assert.equal(urlProblem('http://127.4.5.6/a.png'), undefined);
      assert.equal(urlProblem('http://localhost/a.png'), undefined);
      assert.equal(urlProblem('http://[::1]/a.png'), undefined);
      assert.match(urlProblem('http://example.com/a.png') ?? '', /uses http:\/\//);
      assert.match(urlProblem('http://127.0.0.1.evil.com/a.png') ?? '', /uses http:\/\//);
      assert.match(urlProblem('ftp://example.com/a.png') ?? '', /not a web address/);
      assert.match(urlProblem('example.com/a.png') ?? '', /not a full address/);
    });

    it('splits on whitespace and commas, dedupes, and keeps what it refused', () => {
      const parsed = parseUrlInput(' https://a.example/1.png,https://b.example/2.png\nhttp://evil.example/x.png  https://a.example/1.png ');
      assert.deepEqual(parsed.urls, ['https://a.example/1.png', 'https://b.example/2.png']);
      assert.deepEqual(
        parsed.rejected.map((r) => r.value),
        ['http://evil.example/x.png'],
      );
      assert.deepEqual(parseUrlInput('  ,  '), { urls: [], rejected: [] });
    });

    it('sends at most 20 addresses at once', () => {
      const many = Array.from({ length: 22 }, (_, i) => `https://e.example/${i}.png`).join(' ');
      const parsed = parseUrlInput(many);
      assert.equal(parsed.urls.length, 20);
      assert.equal(parsed.rejected.length, 2);
    });
  });

  describe('parseUriList', () => {
    it('reads uri-list lines, skipping comments, and merges sources without duplicates', () => {
      assert.deepEqual(parseUriList('# comment\r\nfile:///a.png\r\n\r\nfile:///b.png', 'file:///b.png\nfile:///c.png'), [
        'file:///a.png',
        'file:///b.png',
        'file:///c.png',
      ]);
    });

    it('accepts a JSON array and ignores empty payloads', () => {
      assert.deepEqual(parseUriList(undefined, '', '["file:///a.png", 3, "file:///b.png"]'), ['file:///a.png', 'file:///b.png']);
    });

    it('caps the list at 50', () => {
      const lines = Array.from({ length: 60 }, (_, i) => `file:///${i}.png`).join('\n');
      assert.equal(parseUriList(lines).length, 50);
    });
  });

  describe('jobs', () => {
    const now = 1_000_000;

    it('sorts newest first and keeps ties stable', () => {
      const jobs = [job({ id: 'old', createdAt: 1 }), job({ id: 'new', createdAt: 5 }), job({ id: 'tie1', createdAt: 3 }), job({ id: 'tie2', createdAt: 3 })];
      assert.deepEqual(
        sortJobs(jobs).map((j) => j.id),
        ['new', 'tie1', 'tie2', 'old'],
      );
    });

    it('counts active jobs', () => {
      assert.equal(
        activeCount([job({ state: 'queued' }), job({ state: 'running' }), job({ state: 'submitting' }), job({ state: 'saved' }), job({ state: 'saving' })]),
        3,
      );
    });

    it('shows the queue position, and the time since the submit as the job list does', () => {
      assert.equal(jobStatus(job({ state: 'queued', queuePosition: 3, createdAt: now, submittedAt: now }), now).text, 'Queued · position 3 · 0:00');
      assert.equal(jobStatus(job({ state: 'queued', createdAt: now - 5000 }), now).text, 'Queued · 0:05');
      const running = jobStatus(job({ state: 'running', createdAt: now - 100_000, submittedAt: now - 90_000, startedAt: now - 65_000 }), now);
      assert.equal(running.text, 'Running · 1:30');
      assert.equal(running.spin, true);
    });

    it('describes finished jobs and their saves, with the cost in the one wording', () => {
      const done = { submittedAt: 0, finishedAt: 42_000, outputCount: 2 };
      assert.equal(jobStatus(job({ ...done, state: 'saved', savedCount: 2, cost: 0.06 }), now).text, 'Done · 2 files saved · 0:42 · $0.06 — 2 images × $0.03');
      assert.equal(jobStatus(job({ ...done, state: 'saving' }), now).text, 'Done · saving… · 0:42');
      const failed = jobStatus(job({ ...done, state: 'saveFailed', savedCount: 0, error: 'ECONNRESET' }), now);
      assert.equal(failed.tone, 'warning');
      assert.equal(failed.detail, 'ECONNRESET');
      assert.equal(failed.detailTone, 'error');
    });

    it('says when a job cannot be reached, with the reason', () => {
      const stalled = jobStatus(job({ state: 'running', submittedAt: now - 40_000, stalled: true, error: 'RunComfy had a server error (503).' }), now);
      assert.equal(stalled.text, 'Running · not reachable · 0:40');
      assert.equal(stalled.tone, 'warning');
      assert.match(stalled.detail ?? '', /503/);
    });

    it('shows errors and unknown submissions with their message', () => {
      const failed = jobStatus(job({ state: 'failed', error: 'Content filter', finishedAt: 0 }), now);
      assert.equal(failed.text, 'Failed · 0:00');
      assert.equal(failed.detail, 'Content filter');
      assert.equal(jobStatus(job({ state: 'submissionUnknown', error: 'Connection dropped' }), now).detail, 'Connection dropped');
      assert.equal(jobStatus(job({ state: 'submissionUnknown', error: 'Connection dropped' }), now).text, 'Submission unknown');
      assert.equal(jobStatus(job({ state: 'cancelled', finishedAt: 3000 }), now).text, 'Cancelled · 0:03');
    });

    it('tells the truth when a cancel was refused', () => {
      const status = jobStatus(job({ state: 'running', startedAt: now, cancelOutcome: 'not_cancellable' }), now);
      assert.equal(status.detail, notCancellableText());
      assert.equal(notCancellableText(), 'RunComfy could not cancel it: it is already running and will be billed; its result will still be saved.');
    });
  });

  describe('translation', () => {
    afterEach(() => {
      setTranslator(formatMessage);
      setDisplayLanguage('en');
    });

    it('goes through the installed translator, placeholders and all', () => {
      setTranslator((message, ...args) =>
        formatMessage(message === '{0} min ago|{0} min ago' ? '{0} минуту назад|{0} минуты назад|{0} минут назад' : message, ...args),
      );
      setDisplayLanguage('ru');
      assert.equal(formatAgo(0, 5 * 60_000), '5 минут назад');
      assert.equal(formatAgo(0, 2 * 60_000), '2 минуты назад');
      assert.equal(formatAgo(0, 10_000), 'just now');
    });
  });

  describe('comparison and view state', () => {
    it('maps a pointer to a ratio across the image', () => {
      assert.equal(ratioAt(150, 100, 200), 0.25);
      assert.equal(ratioAt(0, 100, 200), 0);
      assert.equal(ratioAt(999, 100, 200), 1);
      assert.equal(ratioAt(5, 0, 0), 0.5);
    });

    it('reads saved view state defensively', () => {
      assert.deepEqual(parseUiState(undefined, 'jobs'), { view: 'jobs', scroll: {} });
      assert.deepEqual(parseUiState({ view: 'nope', scroll: { compose: 12, jobs: -1, results: 'x' } }, 'compose'), {
        view: 'compose',
        scroll: { compose: 12 },
      });
      assert.deepEqual(parseUiState({ view: 'results', scroll: {}, compare: { path: '/a.png', position: 7 } }, 'compose'), {
        view: 'results',
        scroll: {},
        compare: { path: '/a.png', position: 1 },
      });
    });
  });
});
