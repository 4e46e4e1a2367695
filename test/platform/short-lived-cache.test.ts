/** The per-instance cache of short-lived answers: expiry by the clock, shared loads, and what is never kept. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShortLivedCache } from '../../src/platform/short-lived-cache.ts';

function clocked(ttlMs = 1000, maxEntries?: number) {
  const clock = { at: 0 };
  const cache = new ShortLivedCache<string>({
    ttlMs,
    now: () => clock.at,
    ...(maxEntries ? { maxEntries } : {}),
  });
  let loads = 0;
  const load = (v: string | undefined) => async () => {
    loads++;
    return v;
  };
  return { clock, cache, load, loads: () => loads };
}

describe('short-lived cache', () => {
  it('answers from memory until the TTL has passed, then loads again', async () => {
    const c = clocked();
    assert.equal(await c.cache.get('k', c.load('a')), 'a');
    c.clock.at = 999;
    assert.equal(await c.cache.get('k', c.load('b')), 'a');
    c.clock.at = 1000;
    assert.equal(await c.cache.get('k', c.load('b')), 'b');
    assert.equal(c.loads(), 2);
  });

  it('counts the age from the start of the load', async () => {
    const c = clocked();
    await c.cache.get('k', async () => {
      c.clock.at = 400;
      return 'slow';
    });
    c.clock.at = 1000;
    assert.equal(await c.cache.get('k', c.load('fresh')), 'fresh');
  });

  it('shares one load between callers asking at once', async () => {
    const c = clocked();
    let release!: (v: string) => void;
    let started = 0;
    const slow = () => {
      started++;
      return new Promise<string>((r) => {
        release = r;
      });
    };
    const both = Promise.all([c.cache.get('k', slow), c.cache.get('k', slow)]);
    release('x');
    assert.deepEqual(await both, ['x', 'x']);
    assert.equal(started, 1);
  });

  it('keeps neither undefined answers nor failures', async () => {
    const c = clocked();
    assert.equal(await c.cache.get('k', c.load(undefined)), undefined);
    assert.equal(await c.cache.get('k', c.load('now valid')), 'now valid');
    await assert.rejects(
      c.cache.get('f', async () => {
        throw new Error('database unavailable');
      }),
    );
    assert.equal(await c.cache.get('f', c.load('read')), 'read');
  });

  it('clear() drops held answers and loads in flight: a caller after it never gets an answer read before it', async () => {
    const c = clocked();
    await c.cache.get('held', c.load('old'));
    let release!: (v: string) => void;
    const inFlight = c.cache.get('k', () => new Promise<string>((r) => (release = r)));
    c.cache.clear();
    assert.equal(await c.cache.get('held', c.load('new')), 'new');
    const after = c.cache.get('k', c.load('after the write'));
    release('before the write');
    assert.equal(await inFlight, 'before the write', 'its own callers get it');
    assert.equal(await after, 'after the write');
    assert.equal(await c.cache.get('k', c.load('again')), 'after the write', 'the fresh one is the one held');
  });

  it('delete() forgets one key', async () => {
    const c = clocked();
    await c.cache.get('k', c.load('a'));
    c.cache.delete('k');
    assert.equal(await c.cache.get('k', c.load('b')), 'b');
  });

  it('holds at most maxEntries keys, dropping the oldest', async () => {
    const c = clocked(1000, 2);
    for (const k of ['a', 'b', 'c']) await c.cache.get(k, c.load(k));
    assert.equal(c.cache.size, 2);
    assert.equal(await c.cache.get('a', c.load('a2')), 'a2');
    assert.equal(await c.cache.get('c', c.load('c2')), 'c');
  });

  it('with a TTL of 0 it holds nothing', async () => {
    const c = clocked(0);
    await c.cache.get('k', c.load('a'));
    assert.equal(await c.cache.get('k', c.load('b')), 'b');
    assert.equal(c.cache.size, 0);
  });
});
