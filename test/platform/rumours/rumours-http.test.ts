/**
 * Rumour refutation (Art. 11) end to end over HTTP on both databases: the generation log records who received what; a
 * case links the false content; publishing makes the notice public by content ID, hash or ProduceID and notifies every
 * recipient through the log notifier and a webhook notifier (a real local HTTP server, failing once for one user, then
 * retried); the case exports; roles and bad input are refused; the log verifies.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, it } from 'node:test';
import { LogNotifier, WebhookNotifier } from '../../../src/platform/rumours/notifier.ts';
import { forEachDialect } from '../../store/dialects.ts';
import { type DutyServer, startDutyServer } from '../duty-server.ts';

const h = (s: string) => createHash('sha256').update(s).digest('hex');

forEachDialect('rumour refutation over HTTP', (ctx) => {
  let d: DutyServer;
  let hook: Server;
  const received: { accountId: string; caseId: string; received: unknown[]; notice: string }[] = [];
  const logged: { accountId: string }[] = [];
  let failFor = '';
  before(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const n = JSON.parse(body);
        if (n.accountId === failFor) {
          failFor = '';
          res.writeHead(500).end();
          return;
        }
        received.push(n);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as { port: number }).port;
    d = await startDutyServer(ctx.db, {
      notifiers: [
        new LogNotifier({ info: (o) => logged.push(o as { accountId: string }) }),
        new WebhookNotifier(`http://127.0.0.1:${port}/notices`),
      ],
    });
  });
  after(async () => {
    await d?.s.close();
    await new Promise((r) => hook.close(r));
  });

  const gen = (accountId: string, produceId: string, content: string, contentId?: string) =>
    d.s.call('POST', '/api/generation-log', {
      token: d.tokens.admin,
      body: { accountId, produceId, contentHash: h(content), ...(contentId ? { contentId } : {}) },
    });
  const lookup = (q: string) => d.s.call('GET', `/api/public/rumours/lookup?${q}`);
  let caseId = '';

  it('links the false content, publishes the notice, notifies the recipients and exports the record', async () => {
    const [a, b, c, x] = [
      await d.user('got-p1'),
      await d.user('got-p1-too'),
      await d.user('got-h2'),
      await d.user('got-other'),
    ];
    for (const r of [
      await gen(a.id, 'P-001', 'fake flood video', 'c-1'),
      await gen(a.id, 'P-001', 'fake flood video', 'c-1'),
      await gen(b.id, 'P-001', 'fake flood video'),
      await gen(c.id, 'P-002', 'fake quote image', 'c-9'),
      await gen(x.id, 'P-003', 'a cat'),
    ]) {
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const opened = await d.s.call('POST', '/api/rumours', {
      token: d.tokens.compliance_officer,
      body: {
        title: '关于“某地洪水”视频的辟谣',
        summary: 'A generated video presented as news of a flood',
        links: [
          { kind: 'produce_id', value: 'P-001' },
          { kind: 'content_hash', value: h('fake quote image').toUpperCase() },
          { kind: 'content_id', value: 'c-9' },
        ],
      },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    caseId = opened.body.case.id;
    assert.equal(opened.body.case.status, 'draft');
    assert.deepEqual((await lookup('produceId=P-001')).body.notices, [], 'nothing public before publishing');

    failFor = c.id;
    const pub = await d.s.call('POST', `/api/rumours/${caseId}/publish`, {
      token: d.tokens.compliance_officer,
      body: { notice: '经核实，该视频系AI生成，所述洪水并未发生。' },
    });
    assert.equal(pub.status, 200, JSON.stringify(pub.body));
    assert.equal(pub.body.case.status, 'published');
    const statuses = pub.body.notifications.map((n: { accountId: string; channel: string; status: string }) =>
      [n.accountId === c.id ? 'c' : n.accountId === a.id ? 'a' : 'b', n.channel, n.status].join(' '),
    );
    assert.deepEqual(statuses.sort(), [
      'a log delivered',
      'a webhook delivered',
      'b log delivered',
      'b webhook delivered',
      'c log delivered',
      'c webhook failed',
    ]);
    assert.deepEqual(logged.map((l) => l.accountId).sort(), [a.id, b.id, c.id].sort());
    assert.deepEqual(received.map((n) => n.accountId).sort(), [a.id, b.id].sort());
    const toA = received.find((n) => n.accountId === a.id)!;
    assert.equal(toA.received.length, 2, 'both generations of the account are named');
    assert.match(toA.notice, /并未发生/);

    const retry = await d.s.call('POST', `/api/rumours/${caseId}/notify`, { token: d.tokens.admin });
    assert.deepEqual(retry.body, { delivered: 1, failed: 0 });
    assert.ok(received.some((n) => n.accountId === c.id));
    assert.ok(!received.some((n) => n.accountId === x.id) && !logged.some((n) => n.accountId === x.id));

    for (const q of [
      'produceId=P-001',
      `hash=${h('fake quote image')}`,
      `hash=${h('fake quote image').toUpperCase()}`,
      'contentId=c-9',
    ]) {
      const r = await lookup(q);
      assert.equal(r.status, 200);
      assert.equal(r.body.notices.length, 1, q);
      assert.equal(r.body.notices[0].caseId, caseId);
    }
    assert.deepEqual((await lookup('produceId=P-003')).body.notices, []);

    const exp = await d.s.call('GET', `/api/rumours/${caseId}/export`, { token: d.tokens.auditor });
    assert.equal(exp.status, 200);
    assert.equal(exp.body.recipients.length, 4);
    assert.equal(exp.body.notifications.length, 7);
    assert.equal(exp.body.links.length, 3);
    const hashLink = exp.body.links.find((l: { kind: string }) => l.kind === 'content_hash');
    assert.equal(hashLink.value, h('fake quote image'), 'hashes are stored in lower case');
  });

  it('refuses roles that may not and bad input', async () => {
    const u = await d.user('rumour-user');
    const g = { accountId: u.id, produceId: 'P-9', contentHash: h('x') };
    assert.equal((await d.s.call('POST', '/api/generation-log', { token: u.token, body: g })).status, 403);
    assert.equal(
      (await d.s.call('POST', '/api/generation-log', { token: d.tokens.compliance_officer, body: g })).status,
      403,
    );
    const body = { title: 't', summary: 's', links: [{ kind: 'produce_id', value: 'P-9' }] };
    assert.equal((await d.s.call('POST', '/api/rumours', { token: d.tokens.reviewer, body })).status, 403);
    assert.equal((await d.s.call('POST', '/api/rumours', { token: d.tokens.auditor, body })).status, 403);
    assert.equal((await d.s.call('GET', `/api/rumours/${caseId}`, { token: d.tokens.reviewer })).status, 403);
    assert.equal((await d.s.call('GET', `/api/rumours/${caseId}`)).status, 401);
    const pub = await d.s.call('POST', `/api/rumours/${caseId}/publish`, {
      token: d.tokens.auditor,
      body: { notice: 'n' },
    });
    assert.equal(pub.status, 403);

    const bad = async (method: string, path: string, b: unknown, status: number, code: string) => {
      const r = await d.s.call(method, path, { token: d.tokens.admin, body: b });
      assert.equal(r.status, status, `${path} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
    };
    await bad('POST', '/api/generation-log', { ...g, contentHash: 'abc' }, 400, 'invalid_request');
    await bad('POST', '/api/rumours', { ...body, links: [] }, 400, 'invalid_request');
    await bad('POST', '/api/rumours', { ...body, links: [{ kind: 'watermark', value: 'x' }] }, 400, 'invalid_request');
    await bad('POST', `/api/rumours/${caseId}/publish`, { notice: 'again' }, 409, 'conflict');
    await bad('POST', '/api/rumours/nope/publish', { notice: 'n' }, 404, 'not_found');
    for (const q of ['', 'produceId=P-1&contentId=c-1', 'hash=xyz']) {
      const r = await lookup(q);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'invalid_request');
    }
  });

  it('records the log events and the log verifies', async () => {
    const types = await d.eventTypes();
    for (const t of ['generation.recorded', 'rumour.case.opened', 'rumour.notice.published', 'rumour.users.notified']) {
      assert.ok(types.includes(t), t);
    }
    await d.verifyLog();
  });
});
