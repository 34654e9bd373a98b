// The rule book and the shared wording: one answer per question, for every state.
import * as assert from 'node:assert/strict';
import { costText, formatDuration, formatUsd, parsePrice, unitPriceText } from '../../src/common/wording';
import { factsOf } from '../../src/jobs/job';
import {
  durationOf,
  isActive,
  isCancellable,
  isEvictable,
  JOB_STATES,
  type JobFacts,
  type JobState,
  lookOf,
  needsUser,
  outcomeOf,
  stateWords,
} from '../../src/jobs/rules';
import { jobIn } from '../support/jobs';

function facts(state: JobState, extra: Partial<JobFacts> = {}): JobFacts {
  return { ...factsOf(jobIn(state)), ...extra };
}

describe('rule book', () => {
  const table: Record<JobState, { active: boolean; cancellable: boolean; needsUser: boolean; evictable: boolean; outcome?: string }> = {
    submitting: { active: true, cancellable: false, needsUser: false, evictable: false },
    submissionUnknown: { active: false, cancellable: false, needsUser: true, evictable: false, outcome: 'submissionUnknown' },
    queued: { active: true, cancellable: true, needsUser: false, evictable: false },
    running: { active: true, cancellable: false, needsUser: false, evictable: false },
    saving: { active: false, cancellable: false, needsUser: false, evictable: false },
    saved: { active: false, cancellable: false, needsUser: false, evictable: true, outcome: 'succeeded' },
    saveFailed: { active: false, cancellable: false, needsUser: true, evictable: false, outcome: 'saveFailed' },
    failed: { active: false, cancellable: false, needsUser: true, evictable: true, outcome: 'failed' },
    cancelled: { active: false, cancellable: false, needsUser: false, evictable: true, outcome: 'cancelled' },
  };

  for (const state of JOB_STATES) {
    it(`answers every question for ${state}`, () => {
      const f = facts(state);
      const want = table[state];
      assert.equal(isActive(f), want.active, 'active');
      assert.equal(isCancellable(f), want.cancellable, 'cancellable');
      assert.equal(needsUser(f), want.needsUser, 'needs the user');
      assert.equal(isEvictable(f), want.evictable, 'evictable');
      assert.equal(outcomeOf(f), want.outcome, 'outcome');
      assert.ok(stateWords(f).length > 0);
      assert.ok(lookOf(f).icon.length > 0);
    });
  }

  it('a refused cancel is not offered again, and a queued job without a request_id cannot be cancelled', () => {
    assert.equal(isCancellable(facts('queued', { cancelOutcome: 'not_cancellable' })), false);
    assert.equal(isCancellable(facts('queued', { requestId: undefined })), false);
  });

  it('a seen failure stops asking; a stalled job asks whether seen or not, and waiting callers stop waiting', () => {
    assert.equal(needsUser(facts('failed', { seen: true })), false);
    assert.equal(needsUser(facts('saveFailed', { seen: true })), false);
    assert.equal(needsUser(facts('running', { stalled: true, seen: true })), true);
    assert.equal(outcomeOf(facts('running', { stalled: true })), 'stalled');
    assert.equal(outcomeOf(facts('queued')), undefined);
    assert.equal(lookOf(facts('queued', { stalled: true })).tone, 'warning');
    assert.match(stateWords(facts('queued', { stalled: true })), /not reachable/);
  });

  it('history keeps what still needs the user: an unseen unknown submission, a retryable failed save', () => {
    assert.equal(isEvictable(facts('submissionUnknown', { seen: true })), true);
    assert.equal(isEvictable(facts('saveFailed', { retryable: false })), true);
    assert.equal(isEvictable(facts('saveFailed', { retryable: true, seen: true })), false);
  });

  it('says queued and running apart, with the position', () => {
    assert.equal(stateWords(facts('queued', { queuePosition: 3 })), 'Queued · position 3');
    assert.equal(stateWords(facts('queued', { queuePosition: undefined })), 'Queued');
    assert.equal(stateWords(facts('running')), 'Running');
    assert.equal(stateWords(facts('saved', { savedCount: 2 })), 'Done · 2 files saved');
  });

  it('measures a job from the submit to the end, the same everywhere', () => {
    assert.equal(durationOf({ createdAt: 0, submittedAt: 1000, finishedAt: 17_000 }, 99_000), '0:16');
    assert.equal(durationOf({ createdAt: 0, submittedAt: 1000 }, 62_500), '1:01');
    assert.equal(durationOf({ createdAt: 5000 }, 5000), '0:00');
  });
});

describe('wording', () => {
  it('formats durations as a clock', () => {
    assert.equal(formatDuration(7_400), '0:07');
    assert.equal(formatDuration(754_000), '12:34');
    assert.equal(formatDuration(3_723_000), '1:02:03');
    assert.equal(formatDuration(-5), '0:00');
  });

  it('formats money one way: cents, a third decimal only when it carries something', () => {
    assert.equal(formatUsd(0.06), '$0.06');
    assert.equal(formatUsd(0.035), '$0.035');
    assert.equal(formatUsd(1.2), '$1.20');
    assert.equal(costText(0.06, 2), '$0.06 — 2 images × $0.03');
    assert.equal(costText(0.03, 1), '$0.03 — 1 image × $0.03');
    assert.equal(costText(0.06), '$0.06');
    assert.equal(unitPriceText(0.03), '$0.03 per image');
    assert.equal(parsePrice('0.03'), 0.03);
    assert.equal(parsePrice('free'), undefined);
    assert.equal(parsePrice(null), undefined);
  });
});
