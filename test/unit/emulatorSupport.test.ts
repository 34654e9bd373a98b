// Tests of the manual clock, the emulator's image writers and its command line entry.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageSize } from 'image-size';
import { sleep } from '../../src/common/clock';
import { checkImageBytes } from '../emulator/imageChecks';
import { parseArgs } from '../emulator/main';
import { FileBody } from '../emulator/outputFiles';
import { makeSizedOutput, outputLabel, type OutputSpec } from '../emulator/outputImages';
import { writeSampleImages } from '../emulator/sampleImages';
import { ManualClock } from '../support/manualClock';

describe('ManualClock', () => {
  it('fires due timers in order, ties in the order they were set, with now() at each due time', async () => {
    const clock = new ManualClock(1000);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    const late = clock.setTimeout(() => seen.push('late'), 31);
    await clock.advance(30);
    assert.deepEqual(seen, ['a@1010', 'b@1020', 'c@1020']);
    assert.equal(clock.now(), 1030);
    assert.equal(clock.pendingTimers, 1);
    late.cancel();
    await clock.advance(100);
    assert.deepEqual(seen, ['a@1010', 'b@1020', 'c@1020']);
  });

  it('runs microtasks between timers, so promise chains that set new timers inside the window fire', async () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 100);
        await Promise.resolve();
        ticks.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(250);
    assert.deepEqual(ticks, [100, 200]);
    await clock.advance(50);
    await done;
    assert.deepEqual(ticks, [100, 200, 300]);
  });

  it('lets a timer cancel another that is due at the same time, and runNext jumps to the next timer', async () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    let second: { cancel: () => void } | undefined = undefined;
    clock.setTimeout(() => {
      seen.push('first');
      second?.cancel();
    }, 5);
    second = clock.setTimeout(() => seen.push('second'), 5);
    assert.equal(clock.nextDueAt(), 5);
    assert.equal(await clock.runNext(), true);
    assert.deepEqual(seen, ['first']);
    assert.equal(await clock.runNext(), false);
    const waiting = clock.waitForTimers(1, 500);
    setTimeout(() => clock.setTimeout(() => undefined, 1), 5);
    await waiting;
    assert.equal(clock.pendingTimers, 1);
  });
});

describe('emulator images', () => {
  it('slices a file made of repeated parts exactly', () => {
    const body = new FileBody('x', [
      { buf: Buffer.from('ab'), repeat: 1 },
      { buf: Buffer.from('xyz'), repeat: 3 },
      { buf: Buffer.from('!'), repeat: 1 },
    ]);
    const whole = 'abxyzxyzxyz!';
    assert.equal(body.size, whole.length);
    for (let s = 0; s <= whole.length; s++) {
      for (let e = s; e <= whole.length; e++) {
        assert.equal(Buffer.concat([...body.slices(s, e)]).toString(), whole.slice(s, e), `${s}-${e}`);
      }
    }
  });

  it('makes deterministic, valid outputs in both formats, at least as large as asked', () => {
    const spec = (format: OutputSpec['format'], index: number, padBytes: number, requestId = 'req'): OutputSpec => ({
      requestId,
      index,
      format,
      width: 640,
      height: 480,
      requestedWidth: 640,
      requestedHeight: 480,
      padBytes,
    });
    for (const format of ['png', 'jpeg'] as const) {
      const plain = makeSizedOutput(spec(format, 0, 0)).size;
      for (const pad of [0, 70_000, 200_003]) {
        const f = makeSizedOutput(spec(format, 0, pad)).toBuffer();
        assert.ok(f.length >= pad);
        assert.ok(f.length === plain || f.length < pad + 65_537, `${format} ${pad}: ${f.length}`);
        if (pad > plain) assert.ok(f.length > plain);
        assert.equal(checkImageBytes(f), undefined);
        assert.deepEqual([imageSize(f).width, imageSize(f).height], [640, 480]);
        assert.ok(f.includes(Buffer.from(outputLabel(spec(format, 0, pad)), 'latin1')), 'labelled as emulator output');
      }
      assert.ok(
        makeSizedOutput(spec(format, 1, 0))
          .toBuffer()
          .equals(makeSizedOutput(spec(format, 1, 0)).toBuffer()),
      );
      assert.ok(
        !makeSizedOutput(spec(format, 0, 0))
          .toBuffer()
          .equals(makeSizedOutput(spec(format, 1, 0)).toBuffer()),
      );
      assert.ok(
        !makeSizedOutput(spec(format, 0, 0))
          .toBuffer()
          .equals(makeSizedOutput(spec(format, 0, 0, 'other')).toBuffer()),
      );
    }
  });

  it('makes the largest size the model offers, compact before padding, and says when an output is scaled', () => {
    const big = makeSizedOutput({
      requestId: 'r',
      index: 0,
      format: 'png',
      width: 6198,
      height: 2656,
      requestedWidth: 6198,
      requestedHeight: 2656,
      padBytes: 0,
    });
    const bytes = big.toBuffer();
    assert.deepEqual([imageSize(bytes).width, imageSize(bytes).height], [6198, 2656]);
    assert.ok(bytes.length < 2 * 1024 * 1024, `${bytes.length} bytes without padding`);
    const label = outputLabel({ requestId: 'r', index: 1, format: 'png', width: 256, height: 256, requestedWidth: 2048, requestedHeight: 2048, padBytes: 0 });
    assert.equal(label, 'RunComfy API emulator output (not a real edit): request r, image 2, 256x256, scaled down from the requested 2048x2048');
  });

  it('writes sample input images, one too wide and one damaged', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'emulator-samples-'));
    try {
      const samples = await writeSampleImages(dir);
      const seen = await Promise.all(
        samples.map(async (s) => {
          const bytes = await readFile(s.file);
          if (!s.valid && !s.file.includes('aspect')) {
            assert.throws(() => imageSize(bytes));
            return [path.basename(s.file), 'unreadable'];
          }
          const size = imageSize(bytes);
          return [path.basename(s.file), size.type, size.width, size.height, checkImageBytes(bytes) ?? 'ok'];
        }),
      );
      assert.deepEqual(seen, [
        ['valid-512x512.png', 'png', 512, 512, 'ok'],
        ['valid-640x480.jpg', 'jpg', 640, 480, 'ok'],
        ['invalid-aspect-too-wide-3100x1000.png', 'png', 3100, 1000, 'The input image aspect ratio must be within [1/3, 3].'],
        ['damaged-photo.png', 'unreadable'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('emulator command line', () => {
  it('parses its flags', () => {
    assert.deepEqual(parseArgs(['--port', '8123', '--queue-ms', '10', '--run-ms', '20', '--token', 'T']).options, {
      host: '127.0.0.1',
      port: 8123,
      queueMs: 10,
      runMs: 20,
      requiredToken: 'T',
    });
    assert.deepEqual(
      parseArgs(['--output-mb', '40', '--realistic-outputs', '--output-scale', '0.5', '--single-output', 'both', '--refuse-data-uris']).options,
      { host: '127.0.0.1', outputPadBytes: 40 * 1024 * 1024, outputWeight: 'realistic', outputScale: 0.5, singleOutput: 'both', refuseDataUris: true },
    );
    assert.throws(() => parseArgs(['--output-scale', '3']), /--output-scale/);
    assert.throws(() => parseArgs(['--single-output', 'many']), /--single-output/);
    assert.throws(() => parseArgs(['--port', 'x']), /--port/);
    assert.throws(() => parseArgs(['--bogus']), /unknown argument/);
  });

  it('prints one line with its URL, serves, and exits cleanly on SIGTERM', async function () {
    this.timeout(10000);
    const main = path.join(__dirname, '..', 'emulator', 'main.js');
    const child = spawn(process.execPath, [main, '--port', '0', '--token', 'T'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const m = /^RunComfy emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line);
      assert.ok(m, line);
      const r = await fetch(`${m[1]}/v1/models/bytedance/dreamina-4-0/edit`, { headers: { authorization: 'Bearer T' } });
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(out, line);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
