// The learned durations in plain node: defaults giving way as jobs are measured, a spread that one odd job cannot widen, a queue line that outliers cannot tilt, and what is stored.
import * as assert from 'node:assert/strict';
import {
  DEFAULT_QUEUE_BASE_S,
  DEFAULT_QUEUE_PER_POSITION_S,
  DurationModel,
  MAX_SAMPLES,
  MIN_SAMPLES,
  fitQueueLine,
  kernelScale,
  robustSpread,
  type DurationSnapshot,
  type DurationStore,
} from '../../src/jobs/durationModel';

class MemoryDurationStore implements DurationStore {
  saves = 0;
  constructor(public value: unknown = undefined) {}
  load(): unknown {
    return this.value;
  }
  save(snapshot: DurationSnapshot): void {
    this.saves++;
    this.value = JSON.parse(JSON.stringify(snapshot)) as unknown;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
const total = (samples: Array<[number, number]>) => samples.reduce((sum, [, w]) => sum + w, 0);
const weightOf = (samples: Array<[number, number]>, seconds: number) => total(samples.filter(([s]) => s === seconds));

describe('DurationModel', () => {
  it('weighs its first measurements in at once, the defaults sharing the rest, and speaks only with what it measured from MIN_SAMPLES on', () => {
    const model = new DurationModel();
    assert.equal(model.queueLine().baseS, DEFAULT_QUEUE_BASE_S);
    assert.equal(model.queueLine().perPositionS, DEFAULT_QUEUE_PER_POSITION_S);
    const defaults = model.runSamples();
    assert.ok(Math.abs(total(defaults) - 1) < 1e-9);
    model.learn({ runS: 60 });
    const one = model.runSamples();
    assert.ok(Math.abs(total(one) - 1) < 1e-9);
    assert.ok(Math.abs(weightOf(one, 60) - 1 / MIN_SAMPLES) < 1e-9, `60 s weighs ${weightOf(one, 60)}`);
    assert.equal(one.length, defaults.length + 1);
    for (let i = 1; i < MIN_SAMPLES; i++) model.learn({ runS: 60 + i });
    assert.deepEqual(model.runSeconds(), [60, 61, 62, 63, 64]);
    assert.ok(model.runSamples().every(([, w]) => Math.abs(w - 1 / MIN_SAMPLES) < 1e-9));
  });

  it('spreads its run times as widely as they scatter, and one odd job cannot widen them', () => {
    const tight = [24, 24.5, 25, 25.5, 26, 24.2, 25.8, 24.9];
    assert.ok(Math.abs(robustSpread([...tight, 900]) - robustSpread(tight)) < 0.5, `${robustSpread([...tight, 900])} vs ${robustSpread(tight)}`);
    const narrow = new DurationModel();
    const wide = new DurationModel();
    for (const s of tight) narrow.learn({ runS: s });
    for (const s of tight) wide.learn({ runS: 25 + (s - 25) * 8 });
    assert.ok(wide.runSpreadS() > 4 * narrow.runSpreadS(), `wide ${wide.runSpreadS()}, narrow ${narrow.runSpreadS()}`);
    assert.ok(kernelScale([25, 25, 25, 25, 25]) > 0, 'identical measurements still leave room for poll resolution');
  });

  it('fits queue seconds per position on a line that one odd job cannot tilt', () => {
    const samples: Array<[number, number]> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((p) => [p, 2 + 0.4 * p]);
    samples.push([3, 300]);
    const line = fitQueueLine(samples);
    assert.ok(Math.abs(line.perPositionS - 0.4) < 1e-9, `slope ${line.perPositionS}`);
    assert.ok(Math.abs(line.baseS - 2) < 1e-9, `base ${line.baseS}`);
    const model = new DurationModel();
    for (const [position, queueS] of samples) model.learn({ queuePosition: position, queueS });
    assert.equal(median(model.queueSeconds(20)), 10);
  });

  it('never learns a negative slope: a later place in line never waits less', () => {
    const line = fitQueueLine([1, 2, 3, 4, 5, 6].map((p) => [p, 10 - p] as [number, number]));
    assert.equal(line.perPositionS, 0);
  });

  it('stores every measurement at once and starts from what was stored', () => {
    const store = new MemoryDurationStore();
    const first = new DurationModel(store);
    for (let i = 0; i < 6; i++) first.learn({ queuePosition: i + 1, queueS: 1 + i, runS: 30 + i });
    assert.equal(store.saves, 6);
    const second = new DurationModel(store);
    assert.deepEqual(second.runSeconds(), first.runSeconds());
    assert.deepEqual(second.queueSeconds(4), first.queueSeconds(4));
  });

  it('ignores implausible measurements and whatever else the store holds, and keeps only the newest', () => {
    const store = new MemoryDurationStore({ version: 1, queue: [[0, 5], 'x', [2, -1], [2, 4]], run: [-3, 'x', 1e9, 12] });
    const model = new DurationModel(store);
    assert.deepEqual(model.measured, { queue: 1, run: 1 });
    model.learn({ runS: -1 });
    model.learn({ runS: Number.NaN });
    model.learn({ queuePosition: 3, queueS: 7200 });
    assert.deepEqual(model.measured, { queue: 1, run: 1 });
    assert.equal(new DurationModel(new MemoryDurationStore('nonsense')).measured.run, 0);
    for (let i = 0; i < MAX_SAMPLES + 10; i++) model.learn({ runS: 100 + i });
    assert.equal(model.measured.run, MAX_SAMPLES);
    assert.equal(Math.min(...model.runSeconds()), 110);
  });
});
