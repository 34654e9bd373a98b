// The chat tool's pure parts: what the confirmation shows (outside text never markup), the answer's words, and the manifest entry.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_IMAGES, MAX_PROMPT_LENGTH, SIZE_OPTIONS } from '../../src/api/model';
import { markdownBlock as codeBlock, markdownCode as codeSpan } from '../../src/common/plainText';
import { confirmationSegments, confirmationTitle, type ConfirmationFacts } from '../../src/lm/confirmation';
import { ACCEPTED_FORMATS_TEXT } from '../../src/imaging/formats';
import { FIT_MODES } from '../../src/imaging/fitTypes';
import { parseEditArgs } from '../../src/jobs/editArgs';
import { outcomeReport, refusalReport } from '../../src/lm/toolReport';

const root = path.resolve(__dirname, '../../..');

/** The Markdown with every code span and fenced block taken out: what a renderer could still turn into markup. */
function outsideCode(markdown: string): string {
  let rest = markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
  rest = rest.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, '');
  return rest;
}

const hostile = {
  image: 'photos/[click me](command:runcomfy.clearApiToken) `x` <img src=x onerror=alert(1)>.png',
  url: 'https://example.com/a.png?sig=[a](https://evil.example)',
  prompt: 'Make it **bold**\n```\n[link](command:workbench.action.terminal.new)\n```\n<script>alert(1)</script> ````',
  price: '$0.03 [per image](command:evil)',
};

function facts(overrides: Partial<ConfirmationFacts> = {}): ConfirmationFacts {
  return {
    images: [hostile.image, hostile.url],
    prompt: hostile.prompt,
    size: '2048x2048(1:1)',
    scale: 0.5,
    forceSingle: false,
    fit: 'pad',
    outputFolder: 'runcomfy-results',
    price: hostile.price,
    ...overrides,
  };
}

describe('chat tool confirmation', () => {
  it('code spans and blocks show any text literally, backticks and line breaks included', () => {
    assert.equal(codeSpan('a.png'), '`a.png`');
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`edge`'), '`` `edge` ``');
    assert.equal(codeSpan('two\nlines'), '`two lines`');
    const block = codeBlock('x\n```\ny ````');
    assert.ok(block.startsWith('`````text\n') && block.endsWith('\n`````'), block);
    assert.equal(codeBlock('plain'), '```text\nplain\n```');
  });

  it('shows every image, the prompt, the options, the output folder and the price', () => {
    const segments = confirmationSegments(facts());
    const all = segments.map((s) => ('text' in s ? s.text : s.markdown)).join('');
    assert.ok(all.includes(codeSpan(hostile.image)));
    assert.ok(all.includes(codeSpan(hostile.url)));
    assert.ok(all.includes(codeBlock(hostile.prompt)));
    for (const part of ['`2048x2048(1:1)`', '`0.5`', 'one or more output images', '`pad`', '`runcomfy-results`', hostile.price]) {
      assert.ok(all.includes(part), `missing ${part}`);
    }
    assert.match(all, /bills every output image/);
    assert.equal(confirmationTitle(2), 'Run a paid Dreamina edit of 2 images?');
    assert.equal(confirmationTitle(1), 'Run a paid Dreamina edit of 1 image?');
  });

  it('never lets outside text become markup: it is code, or a plain-text segment the adapter escapes', () => {
    const segments = confirmationSegments(facts());
    const markdown = segments.flatMap((s) => ('markdown' in s ? [s.markdown] : [])).join('');
    const rendered = outsideCode(markdown);
    for (const marker of ['](', '<img', '<script', 'command:', '**bold**', 'evil']) {
      assert.ok(!rendered.includes(marker), `"${marker}" is outside code in: ${rendered}`);
    }
    const texts = segments.flatMap((s) => ('text' in s ? [s.text] : []));
    assert.deepEqual(texts, [hostile.price], 'only the server-given price goes as plain text');
  });

  it('says per image what is sent after fitting, as plain text beside that image', () => {
    const summary = '3100×1000 PNG, 5 KB → 3100×1034 JPEG, 25 KB, padded to 3:1';
    const segments = confirmationSegments(facts({ sentAs: [summary, undefined] }));
    const at = segments.findIndex((s) => 'text' in s && s.text === summary);
    assert.ok(at > 0, 'the summary is a plain-text segment');
    const before = segments
      .slice(0, at)
      .flatMap((s) => ('markdown' in s ? [s.markdown] : []))
      .join('');
    assert.ok(before.endsWith(`- ${codeSpan(hostile.image)}: sent as `), `not beside the first image: ${before}`);
    const after = segments[at + 1];
    assert.ok(after && 'markdown' in after && after.markdown === '\n', 'the image line ends after the summary');
    const all = segments.map((s) => ('text' in s ? s.text : s.markdown)).join('');
    assert.ok(all.includes(`- ${codeSpan(hostile.url)}\n`), 'the URL, sent as it is, has no summary');
    assert.equal(all.split('sent as').length - 1, 1);
  });

  it('says "price unknown" when the model price could not be read, and leaves out fit when not given', () => {
    const segments = confirmationSegments(facts({ price: undefined, fit: undefined, forceSingle: true }));
    const all = segments.map((s) => ('text' in s ? s.text : s.markdown)).join('');
    assert.match(all, /price unknown/);
    assert.match(all, /exactly one output image/);
    assert.doesNotMatch(all, /fit /);
  });
});

describe('chat tool answer', () => {
  const folder = '/ws/runcomfy-results';

  it('states a success with the request_id, the cost and every saved file by absolute path', () => {
    const text = outcomeReport({
      outcome: { requestId: 'req-1', status: 'succeeded', files: ['/ws/runcomfy-results/a-req-1.png', '/ws/runcomfy-results/a-req-2.png'] },
      cost: 0.06,
      outputCount: 2,
      outputFolder: folder,
      attached: 2,
    });
    const lines = text.split('\n');
    assert.equal(lines[0], 'status: succeeded');
    assert.ok(lines.includes('request_id: req-1'));
    assert.ok(lines.includes('cost: $0.06 for 2 output images'));
    assert.ok(lines.includes('- /ws/runcomfy-results/a-req-1.png') && lines.includes('- /ws/runcomfy-results/a-req-2.png'));
    assert.match(text, /first 2 result images are attached/);
  });

  for (const status of ['saveFailed', 'failed', 'cancelled', 'submissionUnknown', 'stalled'] as const) {
    it(`states "${status}" in the words of runcomfy.edit with wait, with its error and what to do next`, () => {
      const text = outcomeReport({
        outcome: { requestId: status === 'submissionUnknown' ? undefined : 'r', status, files: [], error: 'the reason' },
        outputFolder: folder,
        attached: 0,
      });
      assert.match(text, new RegExp(`^status: ${status}$`, 'm'));
      assert.match(text, /^error: the reason$/m);
      assert.equal(/request_id:/.test(text), status !== 'submissionUnknown');
      if (status === 'submissionUnknown' || status === 'saveFailed' || status === 'stalled') assert.match(text, /[Dd]o not/);
    });
  }

  it('after a stopped chat turn says what became of the job: not sent, cancelled, running or unknown', () => {
    const notSent = outcomeReport({ stop: 'notSent', outputFolder: folder, attached: 0 });
    assert.match(notSent, /^status: cancelled$/m);
    assert.match(notSent, /before anything was sent/);
    assert.doesNotMatch(notSent, /cost:/);
    const cancelled = outcomeReport({
      stop: 'cancelled',
      requestId: 'r',
      outcome: { requestId: 'r', status: 'cancelled', files: [] },
      outputFolder: folder,
      attached: 0,
    });
    assert.match(cancelled, /^status: cancelled$/m);
    assert.match(cancelled, /^cost: \$0\.00$/m);
    assert.match(cancelled, /cancelled at RunComfy/);
    const running = outcomeReport({ stop: 'running', requestId: 'r', outputFolder: folder, attached: 0 });
    assert.match(running, /^status: running$/m);
    assert.match(running, /^request_id: r$/m);
    assert.match(running, /cannot be cancelled/);
    assert.match(running, /results are saved/);
    assert.ok(running.includes(folder));
    const unknown = outcomeReport({ stop: 'unknown', requestId: 'r', outputFolder: folder, attached: 0 });
    assert.match(unknown, /still tracked/);
  });

  it('a refusal says what was wrong, that nothing was charged, and what to change', () => {
    const input = refusalReport('input', 'The prompt is 900 characters long; the limit is 800.');
    assert.match(input, /^error: The prompt is 900 characters long/);
    assert.match(input, /nothing was charged/);
    assert.ok(input.includes(SIZE_OPTIONS.join(', ')));
    assert.match(refusalReport('token', 'No RunComfy API token is set.'), /Set API Token/);
    assert.match(refusalReport('submit', 'Not enough balance.'), /created no job and charged nothing/);
  });
});

describe('chat tool fit argument', () => {
  // The tool checks its arguments with the parser runcomfy.edit uses, so `fit` gets the same sentence.
  const parse = (fit: unknown) => parseEditArgs({ images: ['https://example.com/a.png'], prompt: 'p', fit }, []);
  it('accepts the four modes and nothing else', () => {
    for (const mode of FIT_MODES) assert.equal(parse(mode).fit, mode);
    assert.equal(parse(undefined).fit, undefined);
    assert.throws(
      () => parse('stretch'),
      (e: Error) => e.message === `"fit" must be one of 'auto', 'pad', 'crop', 'off'; "stretch" is not.`,
    );
    assert.throws(() => parse(3), /3 is not/);
  });
});

describe('chat tool manifest entry', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const tool = pkg.contributes.languageModelTools?.find((t: { name: string }) => t.name === 'runcomfy_edit_image');

  it('declares runcomfy_edit_image, referenced as #dreamina, with a name, icon and description people read', () => {
    assert.ok(tool, 'the tool is contributed');
    assert.equal(tool.toolReferenceName, 'dreamina');
    assert.equal(tool.canBeReferencedInPrompt, true);
    assert.match(tool.icon, /^\$\([a-z-]+\)$/);
    for (const key of ['displayName', 'userDescription']) {
      const ref = /^%(.+)%$/.exec(tool[key]);
      assert.ok(ref && nls[ref[1]], `${key} is localised`);
    }
    assert.equal(fs.readFileSync(path.join(root, 'src/lm/editImageTool.ts'), 'utf8').includes(`'${tool.name}'`), true, 'the code registers the same name');
  });

  it('tells a model the inputs, limits, sizes, that it costs money, and that it saves files and returns their paths', () => {
    const d: string = tool.modelDescription;
    for (const fact of [
      /1 to 10 input images/,
      /800 characters/,
      /paid/,
      /billed/,
      /saves every result into the workspace/,
      /absolute paths/,
      /succeeded, saveFailed, failed, cancelled, submissionUnknown or stalled/,
    ]) {
      assert.match(d, fact);
    }
    for (const size of SIZE_OPTIONS) assert.ok(d.includes(size), size);
  });

  it('names every format fitting reads, and says a wrong aspect ratio takes fit pad or crop, so a model sends photos as they are', () => {
    const formats = ACCEPTED_FORMATS_TEXT.split(', ');
    for (const text of [tool.modelDescription as string, tool.inputSchema.properties.images.description as string]) {
      for (const format of formats) assert.ok(text.includes(format), `${format} is not named in: ${text}`);
      assert.doesNotMatch(text, /PNG or JPEG(?!, )/, 'no claim that local files must be PNG or JPEG');
      assert.match(text, /fit '?pad'? or '?crop'?/);
    }
  });

  it('has an input schema that matches the model limits the code enforces', () => {
    const s = tool.inputSchema;
    assert.deepEqual(s.required, ['images', 'prompt']);
    assert.equal(s.properties.images.minItems, 1);
    assert.equal(s.properties.images.maxItems, MAX_IMAGES);
    assert.equal(s.properties.prompt.maxLength, MAX_PROMPT_LENGTH);
    assert.deepEqual(s.properties.size.enum, [...SIZE_OPTIONS]);
    assert.deepEqual([s.properties.scale.minimum, s.properties.scale.maximum], [0, 1]);
    assert.equal(s.properties.forceSingle.type, 'boolean');
    assert.deepEqual(s.properties.fit.enum, [...FIT_MODES]);
  });
});
