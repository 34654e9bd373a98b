// Server text set into our sentences: no doubled full stop, nothing that says something dropped.
import * as assert from 'node:assert/strict';
import { ValidationError, BadRequestError } from '../../src/api/errors';
import { clause } from '../../src/common/sentence';

describe('clause', () => {
  it('drops a final full stop, semicolon and whitespace so our own punctuation follows once', () => {
    assert.equal(clause('The input image aspect ratio must be within [1/3, 3].'), 'The input image aspect ratio must be within [1/3, 3]');
    assert.equal(clause('  bad value; \n'), 'bad value');
    assert.equal(clause('done..'), 'done');
    assert.equal(clause('全角。'), '全角');
  });

  it('keeps what says something: a question, an exclamation, an ellipsis, inner full stops', () => {
    assert.equal(clause('Is it a PNG?'), 'Is it a PNG?');
    assert.equal(clause('Stop!'), 'Stop!');
    assert.equal(clause('and so on...'), 'and so on...');
    assert.equal(clause('cut…'), 'cut…');
    assert.equal(clause('v1.2 is old'), 'v1.2 is old');
  });

  it('gives no doubled full stop in the messages that quote RunComfy', () => {
    const detail = [{ loc: ['body', 'prompt'], msg: 'String should have at most 800 characters.' }];
    assert.equal(
      new ValidationError('HTTP 422', detail, 422).userMessage,
      'RunComfy refused the inputs: body.prompt: String should have at most 800 characters. Fix the inputs and submit again.',
    );
    assert.equal(
      new BadRequestError('Invalid model id.', 400, 400001).userMessage,
      'RunComfy rejected the request: Invalid model id. Check the request and try again.',
    );
  });
});
