/** The data of one server-sent event from an upstream stream (HTML Living Standard, event stream interpretation). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventData } from '../../src/gateway/text-stream.ts';

describe('eventData', () => {
  it('takes one data line with or without the space after the colon', () => {
    assert.equal(eventData('data: {"a":1}'), '{"a":1}');
    assert.equal(eventData('data:{"a":1}'), '{"a":1}');
    assert.equal(eventData('data: [DONE]'), '[DONE]');
  });

  it('joins several data lines with newlines and skips other fields and comments', () => {
    assert.equal(eventData('event: message\ndata: {"a":\ndata: 1}\nid: 7'), '{"a":\n1}');
    assert.equal(eventData(': keep-alive\r\ndata: x\r\ndata:y'), 'x\ny');
  });

  it('gives nothing for an event without data', () => {
    assert.equal(eventData(': ping'), '');
    assert.equal(eventData('event: ping\nid: 3'), '');
  });
});
