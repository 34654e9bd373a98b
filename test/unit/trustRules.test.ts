// The shared trust rules in plain node: what counts as loopback, what of a URL may be kept, and outside text made inert.
import * as assert from 'node:assert/strict';
import { redactingLogger } from '../../src/common/logger';
import { isLoopbackHost, isLoopbackUrl } from '../../src/common/loopback';
import { markdownCode, markdownText, plainLabel, plainText } from '../../src/common/plainText';
import { hasRemovedQuery, QUERY_REMOVED, scrubUrls, withoutQuery } from '../../src/common/privateUrl';
import { checkUrl } from '../../src/jobs/inputUrls';
import { isAllowedDownloadUrl } from '../../src/jobs/hostPolicy';
import { urlProblem } from '../../src/webview-ui/viewModel';

/** VS Code's notification link syntax (src/vs/base/common/linkedText.ts): what must never survive in a message. */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;

describe('one loopback rule', () => {
  const loopback = ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.1.2.3', '127.255.255.254', '[::1]', '::1', '[0:0:0:0:0:0:0:1]', '127.1', '0x7f.0.0.1', '2130706433'];
  const notLoopback = ['127.example.com', '127.0.0.1.nip.io', 'localhost.example.com', 'foo.localhost', '128.0.0.1', '10.0.0.1', '[::2]', 'example.com', '', '1270.0.0.1', '[::ffff:8.8.8.8]'];

  for (const host of loopback) it(`${host} is loopback`, () => assert.equal(isLoopbackHost(host), true));
  for (const host of notLoopback) it(`${JSON.stringify(host)} is not loopback`, () => assert.equal(isLoopbackHost(host), false));

  it('applies to URLs, and every place that asks uses it', () => {
    assert.equal(isLoopbackUrl('http://127.0.0.1:8080/x'), true);
    assert.equal(isLoopbackUrl('http://127.example.com:8080/x'), false);
    assert.equal(isLoopbackUrl('not a url'), false);
    // Image inputs over plain http, in the host and in the panel, and result downloads, agree.
    assert.deepEqual(checkUrl('http://127.0.0.1:9000/a.png'), []);
    assert.equal(checkUrl('http://127.example.com/a.png')[0]?.rule, 'url');
    assert.equal(urlProblem('http://127.0.0.1:9000/a.png'), undefined);
    assert.notEqual(urlProblem('http://127.example.com/a.png'), undefined);
    assert.notEqual(urlProblem('http://foo.localhost/a.png'), undefined);
    assert.equal(isAllowedDownloadUrl('http://127.0.0.1:9000/o.png', ['127.0.0.1:9000']), true);
    assert.equal(isAllowedDownloadUrl('http://127.example.com/o.png', ['127.example.com']), false);
  });
});

describe('URLs keep origin and path only', () => {
  const signed = 'https://bucket.s3.amazonaws.com/in/cat.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=deadbeef#frag';

  it('drops the query and fragment with a visible marker, and leaves plain addresses and other text alone', () => {
    assert.equal(withoutQuery(signed), `https://bucket.s3.amazonaws.com/in/cat.png${QUERY_REMOVED}`);
    assert.equal(withoutQuery('https://example.com/a.png'), 'https://example.com/a.png');
    assert.equal(withoutQuery('https://user:pw@example.com/a.png'), 'https://example.com/a.png');
    assert.equal(withoutQuery('cat.png (sha256:0123456789ab, 12 bytes)'), 'cat.png (sha256:0123456789ab, 12 bytes)');
    assert.equal(hasRemovedQuery(withoutQuery(signed)), true);
    assert.equal(hasRemovedQuery('https://example.com/a.png'), false);
  });

  it('scrubs every URL inside a longer text, as log lines are', () => {
    const line = `could not fetch ${signed} (403); retry later from https://x.example/b.png?token=s3cret`;
    const scrubbed = scrubUrls(line);
    assert.ok(!/X-Amz-Signature|s3cret|frag/.test(scrubbed), scrubbed);
    assert.match(scrubbed, /https:\/\/bucket\.s3\.amazonaws\.com\/in\/cat\.png \(query removed\)/);
  });

  it('never lets a log line carry a query, whoever writes it', () => {
    const lines: string[] = [];
    const sink = { trace: (m: string) => lines.push(m), debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    redactingLogger(sink, () => []).warn(`could not read ${signed}`);
    assert.deepEqual(lines, [`could not read https://bucket.s3.amazonaws.com/in/cat.png${QUERY_REMOVED}`]);
  });

  it('refuses to send an address whose query was removed, saying what to do', () => {
    const [problem] = checkUrl(withoutQuery(signed));
    assert.equal(problem?.rule, 'url');
    assert.match(problem.message, /add the full address again/);
  });
});

describe('outside text is never markup', () => {
  const hostile = ['[Fix the image](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D).png', '[x](command:y)', '[a] (https://evil.example)', '[a]\n(file:///etc/passwd)'];

  it('plainText leaves no notification link, and keeps the text readable', () => {
    for (const text of hostile) {
      const safe = plainText(`Only PNG and JPEG images can be edited; ${text} is not.`);
      assert.doesNotMatch(safe, NOTIFICATION_LINK, safe);
      assert.ok(safe.includes('command:') === text.includes('command:'), 'the name is still shown');
    }
    assert.equal(plainText('[x](command:y)'), '[x] (command:y)');
  });

  it('plainLabel also shows $(icon) syntax as typed in quick picks', () => {
    assert.equal(plainLabel('$(loading~spin) [x](command:y).png'), '\\$(loading~spin) [x] (command:y).png');
  });

  it('markdownText escapes everything Markdown or HTML would act on', () => {
    const escaped = markdownText('[x](command:y) `code` <img src=x> *b* https://evil.example');
    assert.doesNotMatch(escaped, /(?<!\\)[[\]()`<>*]/, escaped);
    assert.doesNotMatch(escaped, /https:\/\//, 'an autolink survived');
  });

  it('markdownCode keeps any text inside its code span, backticks included', () => {
    for (const text of ['req-1', 'a`b', '``', '`x` ](command:y)', 'ends with `']) {
      const span = markdownCode(text);
      const fence = /^`+/.exec(span)![0];
      assert.ok(span.endsWith(fence), span);
      const inside = span.slice(fence.length, span.length - fence.length);
      // No run of backticks inside is as long as the fence, so the span cannot close early.
      assert.ok(!(inside.match(/`+/g) ?? []).some((run) => run.length === fence.length), span);
      assert.equal(inside.trim() === text.trim() || inside === ` ${text} `, true, span);
    }
  });
});
