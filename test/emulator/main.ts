// Command line entry: runs the RunComfy emulator on 127.0.0.1 until SIGINT or SIGTERM.
import { writeSampleImages } from './sampleImages';
import { startEmulator, type EmulatorOptions } from './server';

const USAGE =
  'usage: node out/test/emulator/main.js [--port N] [--queue-ms N] [--run-ms N] [--token T]\n' +
  '       [--output-count N] [--output-format png|jpeg] [--pad-bytes N] [--output-mb N] [--realistic-outputs]\n' +
  '       [--output-scale F] [--single-output image|images|both] [--refuse-data-uris] [--sample-images DIR]\n';

interface CliArgs {
  options: EmulatorOptions;
  sampleDir?: string;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const options: EmulatorOptions = { host: '127.0.0.1' };
  let sampleDir: string | undefined;
  const int = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number ≥ 0`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port':
        options.port = int(flag, value());
        break;
      case '--queue-ms':
        options.queueMs = int(flag, value());
        break;
      case '--run-ms':
        options.runMs = int(flag, value());
        break;
      case '--token':
        options.requiredToken = value();
        break;
      case '--output-count':
        options.outputCount = int(flag, value());
        break;
      case '--output-format': {
        const f = value();
        if (f !== 'png' && f !== 'jpeg') throw new Error('--output-format is png or jpeg');
        options.outputFormat = f;
        break;
      }
      case '--pad-bytes':
        options.outputPadBytes = int(flag, value());
        break;
      case '--output-mb': {
        const mb = Number(value());
        if (!Number.isFinite(mb) || mb < 0) throw new Error('--output-mb needs a number ≥ 0');
        options.outputPadBytes = Math.round(mb * 1024 * 1024);
        break;
      }
      case '--realistic-outputs':
        options.outputWeight = 'realistic';
        break;
      case '--output-scale': {
        const scale = Number(value());
        if (!(scale > 0 && scale <= 1)) throw new Error('--output-scale needs a number in (0, 1]');
        options.outputScale = scale;
        break;
      }
      case '--single-output': {
        const shape = value();
        if (shape !== 'image' && shape !== 'images' && shape !== 'both') throw new Error('--single-output is image, images or both');
        options.singleOutput = shape;
        break;
      }
      case '--refuse-data-uris':
        options.refuseDataUris = true;
        break;
      case '--sample-images':
        sampleDir = value();
        break;
      case '--help':
      case '-h':
        throw new Error('');
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  return { options, sampleDir };
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${msg ? `${msg}\n` : ''}${USAGE}`);
    process.exitCode = msg ? 2 : 0;
    return;
  }
  if (args.sampleDir) {
    const samples = await writeSampleImages(args.sampleDir);
    for (const s of samples) process.stderr.write(`sample ${s.valid ? 'valid' : 'invalid'} ${s.width}x${s.height}: ${s.file}\n`);
  }
  const emulator = await startEmulator(args.options);
  process.stdout.write(`RunComfy emulator listening on ${emulator.baseUrl}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
