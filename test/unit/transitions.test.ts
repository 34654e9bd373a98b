// The job state machine: every state against every event, exhaustively, and the rules inside the transitions.
import * as assert from 'node:assert/strict';
import type { Job } from '../../src/jobs/job';
import { JOB_STATES, type JobState } from '../../src/jobs/rules';
import { type Instant, type JobEvent, type JobEventType, STALL_AFTER_FAILURES, STALL_AFTER_MS, transition } from '../../src/jobs/transitions';
import { jobIn } from '../support/jobs';

const at: Instant = { wall: 1_000_000, mono: 500 };

/** One or more samples of every event type; the Record makes a new event type fail to compile until it is listed. */
const SAMPLES: Record<JobEventType, Record<string, JobEvent>> = {
  accepted: { accepted: { type: 'accepted', requestId: 'req-new', at } },
  submitLost: { submitLost: { type: 'submitLost', error: 'lost', at } },
  polled: {
    polledQueued: { type: 'polled', remote: 'queued', rawStatus: 'in_queue', queuePosition: 2, at },
    polledRunning: { type: 'polled', remote: 'running', rawStatus: 'in_progress', at },
    polledUnknown: { type: 'polled', remote: 'unknown', rawStatus: 'warming_up', at },
  },
  pollFailed: { pollFailed: { type: 'pollFailed', error: 'HTTP 503', at } },
  finished: {
    finishedOk: { type: 'finished', remote: 'succeeded', rawStatus: 'succeeded', outputUrls: ['https://x/1.png'], cost: 0.03, at },
    finishedEmpty: { type: 'finished', remote: 'succeeded', rawStatus: 'succeeded', outputUrls: [], at },
    finishedFailed: { type: 'finished', remote: 'failed', rawStatus: 'failed', outputUrls: [], error: 'policy', at },
    finishedCancelled: { type: 'finished', remote: 'cancelled', rawStatus: 'cancelled', outputUrls: [], at },
  },
  gone: { gone: { type: 'gone', error: 'not found', at } },
  cancelAnswered: {
    cancelYes: { type: 'cancelAnswered', outcome: 'cancelled', at },
    cancelNo: { type: 'cancelAnswered', outcome: 'not_cancellable', at },
  },
  saveEnded: {
    saveOk: { type: 'saveEnded', files: [{ url: 'https://x/1.png', path: '/out/1.png' }], outputUrls: ['https://x/1.png'], at },
    saveFail: { type: 'saveEnded', files: [], outputUrls: ['https://x/1.png'], failure: { error: 'cut short', retryable: true }, at },
  },
  retrySave: { retrySave: { type: 'retrySave', at } },
  seen: { seen: { type: 'seen', at } },
  restored: { restored: { type: 'restored', at } },
};

const same = Object.fromEntries(JOB_STATES.map((s) => [s, s])) as Record<JobState, JobState>;

/** The whole table: sample → state before → state after; a missing entry means the event is ignored in that state. */
const EXPECTED: Record<string, Partial<Record<JobState, JobState>>> = {
  accepted: { submitting: 'queued' },
  submitLost: { submitting: 'submissionUnknown' },
  polledQueued: { queued: 'queued', running: 'queued' },
  polledRunning: { queued: 'running', running: 'running' },
  polledUnknown: { queued: 'queued', running: 'running' },
  pollFailed: { queued: 'queued', running: 'running' },
  finishedOk: { queued: 'saving', running: 'saving' },
  finishedEmpty: { queued: 'saveFailed', running: 'saveFailed' },
  finishedFailed: { queued: 'failed', running: 'failed' },
  finishedCancelled: { queued: 'cancelled', running: 'cancelled' },
  gone: { queued: 'failed', running: 'failed' },
  cancelYes: { queued: 'cancelled', running: 'cancelled' },
  cancelNo: { queued: 'queued', running: 'running' },
  saveOk: { saving: 'saved' },
  saveFail: { saving: 'saveFailed' },
  retrySave: { saveFailed: 'saving' },
  seen: same,
  restored: { ...same, submitting: 'submissionUnknown' },
};

describe('job state machine', () => {
  const samples = Object.values(SAMPLES).flatMap((group) => Object.entries(group));

  it('has an expectation for every sample, and samples for every event type', () => {
    assert.deepEqual(samples.map(([name]) => name).sort(), Object.keys(EXPECTED).sort());
    for (const [type, group] of Object.entries(SAMPLES)) {
      for (const event of Object.values(group)) assert.equal(event.type, type);
    }
  });

  for (const state of JOB_STATES) {
    for (const [name, event] of samples) {
      const expected = EXPECTED[name][state];
      it(`${state} + ${name} → ${expected ?? 'ignored'}`, () => {
        const before = jobIn(state);
        const frozen = JSON.stringify(before);
        const after = transition(before, event);
        assert.equal(JSON.stringify(before), frozen, 'a transition never changes the job it was given');
        assert.equal(after?.state, expected);
        if (after) {
          assert.equal(after.id, before.id, 'a job keeps its id');
          assert.equal(after.prompt, before.prompt);
          if ('requestId' in before) assert.equal((after as { requestId?: string }).requestId, before.requestId, 'a job keeps its request_id');
        }
      });
    }
  }
});

describe('transitions in detail', () => {
  it('a submitted job has its request_id and submit time', () => {
    const next = transition(jobIn('submitting'), SAMPLES.accepted.accepted) as Extract<Job, { state: 'queued' }>;
    assert.equal(next.requestId, 'req-new');
    assert.equal(next.submittedAt, at.wall);
  });

  it('stalls only after 5 failed polls in a row AND 30 s since the first', () => {
    let job: Job = jobIn('queued');
    for (let i = 1; i <= STALL_AFTER_FAILURES + 2; i++) {
      // Fast failures: the count is reached long before the time.
      job = transition(job, { type: 'pollFailed', error: `fail ${i}`, at: { wall: at.wall + i, mono: i * 1000 } })!;
    }
    assert.equal(job.state, 'queued');
    assert.ok(job.state === 'queued' && job.trouble);
    assert.equal(job.trouble.failures, STALL_AFTER_FAILURES + 2);
    assert.equal(job.trouble.stalled, false, '7 failures within 7 s are not a stall');
    assert.equal(job.trouble.error, `fail ${STALL_AFTER_FAILURES + 2}`);
    job = transition(job, { type: 'pollFailed', error: 'late', at: { wall: at.wall, mono: 1000 + STALL_AFTER_MS } })!;
    assert.ok(job.state === 'queued' && job.trouble?.stalled, '30 s after the first failure, with enough failures, it is stalled');

    let slow: Job = jobIn('running');
    for (let i = 0; i < STALL_AFTER_FAILURES - 1; i++) {
      slow = transition(slow, { type: 'pollFailed', error: 'x', at: { wall: at.wall, mono: i * 60_000 } })!;
    }
    assert.ok(slow.state === 'running' && slow.trouble && !slow.trouble.stalled, '4 failures over 3 minutes are not a stall');
  });

  it('a good answer clears the trouble; an unknown status keeps the state and the queue position', () => {
    let job: Job = jobIn('queued', { queuePosition: 4 });
    job = transition(job, SAMPLES.pollFailed.pollFailed)!;
    assert.ok(job.state === 'queued' && job.trouble);
    job = transition(job, SAMPLES.polled.polledUnknown)!;
    assert.ok(job.state === 'queued');
    assert.equal(job.trouble, undefined);
    assert.equal(job.queuePosition, 4);
    assert.equal(job.remoteStatus, 'warming_up');
  });

  it('running records when it started, once', () => {
    const running = transition(jobIn('queued'), SAMPLES.polled.polledRunning)!;
    assert.ok(running.state === 'running' && running.startedAt === at.wall);
    const again = transition(running, { ...SAMPLES.polled.polledRunning, at: { wall: at.wall + 5000, mono: 9000 } })!;
    assert.ok(again.state === 'running' && again.startedAt === at.wall);
  });

  it('a success without outputs is a failed save that waiting cannot fix', () => {
    const next = transition(jobIn('running'), SAMPLES.finished.finishedEmpty)!;
    assert.ok(next.state === 'saveFailed');
    assert.equal(next.retryable, false);
    assert.match(next.error, /no output/);
  });

  it('a failed job carries the service message and asks for attention', () => {
    const next = transition(jobIn('running'), SAMPLES.finished.finishedFailed)!;
    assert.ok(next.state === 'failed');
    assert.match(next.error, /policy/);
    assert.equal(next.seen, false);
  });

  it('a refused cancel is remembered and the job goes on', () => {
    const next = transition(jobIn('running'), SAMPLES.cancelAnswered.cancelNo)!;
    assert.ok(next.state === 'running' && next.cancelOutcome === 'not_cancellable');
  });

  it('saves count attempts and keep every file saved so far', () => {
    let job: Job = transition(jobIn('running'), { ...SAMPLES.finished.finishedOk, outputUrls: ['u1', 'u2'] } as JobEvent)!;
    job = transition(job, { type: 'saveEnded', files: [{ url: 'u1', path: '/o/1.png' }], outputUrls: ['u1', 'u2'], failure: { error: 'cut', retryable: true }, at })!;
    assert.ok(job.state === 'saveFailed' && job.attempts === 1 && job.files.length === 1 && job.retryable);
    job = transition(job, SAMPLES.retrySave.retrySave)!;
    assert.ok(job.state === 'saving' && job.files.length === 1);
    assert.equal((job as { error?: string }).error, undefined, 'a retry clears the old error');
    job = transition(job, { type: 'saveEnded', files: [{ url: 'u1', path: '/o/1.png' }, { url: 'u2', path: '/o/2.png' }], outputUrls: ['u1', 'u2'], at })!;
    assert.ok(job.state === 'saved' && job.attempts === 2);
    assert.deepEqual(job.files.map((f) => f.path), ['/o/1.png', '/o/2.png']);
  });

  it('a reload turns a submit in flight into "submission unknown" and forgets poll streaks measured on the old clock', () => {
    const lost = transition(jobIn('submitting'), SAMPLES.restored.restored)!;
    assert.ok(lost.state === 'submissionUnknown');
    assert.match(lost.error, /Resume by Request ID/);
    const troubled = transition(jobIn('queued'), SAMPLES.pollFailed.pollFailed)!;
    const restored = transition(troubled, SAMPLES.restored.restored)!;
    assert.ok(restored.state === 'queued' && restored.trouble === undefined);
  });
});
