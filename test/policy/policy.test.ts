/**
 * The labelling policy file: validation with one clear message per problem, at the path where the value was set;
 * defaults that meet GB 45438 per service type; the refusals (metadata off, watermark on, explicit off for Art. 17 ¶1
 * services); the Art. 9 record's recipient form.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  appendRecord,
  checkRecipient,
  defaultPolicy,
  isHeguiError,
  loadPolicy,
  overrideExplicit,
  parsePolicy,
  parseRecordLine,
  pseudonymiseRecipient,
  RECORD_TYPE,
  SERVICE_TYPES,
  type UnlabelledDeliveryRecord,
} from '../../src/index.ts';

const problems = (json: unknown): string[] => {
  try {
    parsePolicy(json, '/base');
  } catch (e) {
    assert.ok(isHeguiError(e));
    assert.equal(e.code, 'policy_invalid');
    const lines = e.message.split('\n').slice(1);
    assert.equal(e.details['problems'], lines.length);
    return lines.map((l) => l.replace(/^ {2}- /, ''));
  }
  assert.fail('the policy was accepted');
};
const has = (list: string[], re: RegExp) =>
  assert.ok(
    list.some((l) => re.test(l)),
    `expected a problem matching ${re}, got:\n${list.join('\n')}`,
  );

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-policy-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('policy defaults', () => {
  it('a minimal policy gets the defaults that meet the standard', () => {
    const p = parsePolicy({ version: 1 }, '/base');
    for (const t of SERVICE_TYPES) {
      const s = p.services[t];
      assert.equal(s.serviceType, t);
      assert.equal(s.explicit.enabled, t !== 'other', `${t}: explicit on for Art. 17 ¶1, optional for other`);
      assert.equal(s.metadata, true);
      assert.equal(s.watermark, false);
      assert.equal(s.signature, false);
      assert.equal(s.withoutExplicitOnRequest, false);
      assert.deepEqual(s.explicit.image, {});
    }
    assert.deepEqual(defaultPolicy('/base').services, p.services);
  });

  it('layers defaults under services, merges media options field by field, resolves paths from the file', () => {
    const p = parsePolicy(
      {
        version: 1,
        serviceType: 'face-generation',
        defaults: {
          explicit: { image: { position: 'top-left' }, audio: { rhythm: { unitMs: 100 } } },
          signature: { key: 'keys/private.pem' },
        },
        services: {
          'face-generation': {
            explicit: { image: { text: '人脸由AI生成' }, audio: { rhythm: { frequencyHz: 900 }, prompt: 'p.wav' } },
          },
          other: { explicit: { enabled: true }, signature: false },
        },
      },
      '/base',
    );
    assert.equal(p.serviceType, 'face-generation');
    const f = p.services['face-generation'];
    assert.deepEqual(f.explicit.image, { position: 'top-left', text: '人脸由AI生成' });
    assert.deepEqual(f.explicit.audio, { rhythm: { unitMs: 100, frequencyHz: 900 }, prompt: '/base/p.wav' });
    assert.deepEqual(f.signature, { key: '/base/keys/private.pem' });
    assert.equal(p.services.other.explicit.enabled, true);
    assert.equal(p.services.other.signature, false);
    assert.deepEqual(p.services['synthetic-voice'].explicit.image, { position: 'top-left' });
  });

  it('an Art. 17 ¶1 service may leave the explicit label to its interface, and allow the Art. 9 path', () => {
    const p = parsePolicy(
      {
        version: 1,
        services: {
          'text-dialogue-writing': {
            explicit: { enabled: false, shownBy: 'interface' },
            withoutExplicitOnRequest: { allowed: true, agreement: 'User Agreement v3 §7' },
          },
        },
      },
      '/base',
    );
    const s = p.services['text-dialogue-writing'];
    assert.deepEqual([s.explicit.enabled, s.explicit.shownBy], [false, 'interface']);
    assert.deepEqual(s.withoutExplicitOnRequest, { allowed: true, agreement: 'User Agreement v3 §7' });
    assert.equal(
      parsePolicy({ version: 1, defaults: { withoutExplicitOnRequest: { allowed: false } } }, '/').services.other
        .withoutExplicitOnRequest,
      false,
    );
  });
});

describe('policy validation', () => {
  it('refuses switching the metadata label off and asking for a watermark, with the reason', () => {
    const list = problems({ version: 1, services: { other: { metadata: false, watermark: true } } });
    has(list, /^services\.other\.metadata: the metadata label cannot be switched off: GB 45438/);
    has(list, /^services\.other\.watermark: digital watermarks are not available in this version/);
    assert.equal(list.length, 2);
    has(problems({ version: 1, defaults: { watermark: { strength: 3 } } }), /^defaults\.watermark: .*not available/);
    assert.doesNotThrow(() => parsePolicy({ version: 1, defaults: { metadata: true, watermark: false } }, '/'));
  });

  it('refuses the explicit label off for the five Art. 17 ¶1 kinds, not for other', () => {
    const list = problems({ version: 1, defaults: { explicit: { enabled: false } } });
    assert.equal(list.length, 5);
    for (const t of SERVICE_TYPES.filter((x) => x !== 'other'))
      has(list, new RegExp(`^defaults\\.explicit\\.enabled: ${t} services must carry the explicit label.*shownBy`));
    const one = problems({ version: 1, services: { 'synthetic-voice': { explicit: { enabled: false } } } });
    assert.deepEqual(one.length, 1);
    has(one, /^services\.synthetic-voice\.explicit\.enabled: .*Provisions Art\. 17 ¶1 \(2\)/);
  });

  it('checks label texts, positions, spans and rhythms by the renderers own rules, where they were set', () => {
    const list = problems({
      version: 1,
      defaults: { explicit: { video: { duration: 1 } } },
      services: {
        'face-generation': { explicit: { image: { text: 'AI' }, text: { text: '机器生成' } } },
        'synthetic-voice': { explicit: { audio: { rhythm: false } } },
        other: { explicit: { text: { mode: 'corner', text: 'AI' }, audio: { rhythm: { unitMs: 5 } } } },
      },
    });
    has(list, /^services\.face-generation\.explicit\.image: .*generation element/);
    has(list, /^services\.face-generation\.explicit\.text: .*AI element/);
    has(list, /^services\.synthetic-voice\.explicit\.audio: an audio label needs the rhythm, a spoken prompt, or both/);
    has(list, /^services\.other\.explicit\.audio: the rhythm unit/);
    has(list, /^defaults\.explicit\.video: the label duration must be from 2 s/);
    assert.ok(!list.some((l) => l.startsWith('services.other.explicit.text')), 'a corner mark may be "AI" alone');
    assert.equal(list.filter((l) => l.startsWith('defaults.explicit.video')).length, 1, 'reported once');
  });

  it('refuses wrong shapes: version, unknown keys and service types, enums, signature, the Art. 9 block', () => {
    const list = problems({
      version: 2,
      serviceType: 'chat',
      colour: 'red',
      services: {
        chat: {},
        other: {
          explicit: { image: { position: 'middle', size: 3 }, shownBy: 'banner' },
          signature: { algorithm: 'rsa' },
          withoutExplicitOnRequest: true,
        },
      },
    });
    has(list, /^version: "version" must be 1$/);
    has(list, /^serviceType: Invalid option: expected one of "text-dialogue-writing"/);
    has(list, /^\(top level\): Unrecognized key: "colour"/);
    has(list, /^services: Unrecognized key: "chat"/);
    has(list, /^services\.other\.explicit\.image\.position: Invalid option/);
    has(list, /^services\.other\.explicit\.image: Unrecognized key: "size"/);
    has(list, /^services\.other\.explicit\.shownBy: shownBy can only be "interface"/);
    has(list, /^services\.other\.signature: signature must be false or/);
    has(list, /^services\.other\.withoutExplicitOnRequest: withoutExplicitOnRequest must be false or/);
    has(problems([]), /^\(top level\): Invalid input/);
  });

  it('asks for the user agreement when the Art. 9 path is allowed', () => {
    const list = problems({
      version: 1,
      services: { 'face-generation': { withoutExplicitOnRequest: { allowed: true } } },
    });
    assert.deepEqual(list.length, 1);
    has(list, /^services\.face-generation\.withoutExplicitOnRequest\.agreement: name where the user agreement/);
  });

  it('loads a file (paths from its folder) and names the file and JSON errors', async () => {
    const path = join(dir, 'policy.json');
    await writeFile(path, JSON.stringify({ version: 1, defaults: { signature: { key: 'k.pem' } } }));
    const p = await loadPolicy(path);
    assert.deepEqual(p.services.other.signature, { key: join(dir, 'k.pem') });
    await writeFile(path, '{ "version": 1, ');
    await assert.rejects(
      loadPolicy(path),
      (e: unknown) => isHeguiError(e) && e.code === 'policy_invalid' && /not valid JSON/.test(e.message),
    );
    await writeFile(path, JSON.stringify({ version: 1, defaults: { watermark: true } }));
    await assert.rejects(loadPolicy(path), (e: unknown) => isHeguiError(e) && e.message.includes(`policy in ${path}`));
    await assert.rejects(loadPolicy(join(dir, 'missing.json')), (e: unknown) => isHeguiError(e) && e.code === 'usage');
  });

  it('run-level overrides are checked by the same rules', () => {
    const p = overrideExplicit(defaultPolicy(), {
      text: '本内容由AI生成',
      picturePosition: 'top',
      audioPosition: 'after',
      textMode: 'suffix',
    });
    const s = p.services['other-generation'].explicit;
    assert.deepEqual(s.image, { text: '本内容由AI生成', position: 'top' });
    assert.deepEqual(s.video, { text: '本内容由AI生成', position: 'top' });
    assert.deepEqual(s.audio, { position: 'after' });
    assert.deepEqual(s.text, { text: '本内容由AI生成', mode: 'suffix' });
    assert.throws(
      () => overrideExplicit(defaultPolicy(), { text: '智能生成' }),
      (e: unknown) => isHeguiError(e) && e.code === 'usage' && /AI element/.test(e.message),
    );
  });
});

describe('the Art. 9 record', () => {
  it('records the recipient as given without a key, as a keyed hash with one', () => {
    assert.deepEqual(pseudonymiseRecipient(' user-42 '), { form: 'plain', value: 'user-42' });
    const key = { id: 'k1', key: new Uint8Array(32).fill(7) };
    const a = pseudonymiseRecipient('user-42', key);
    assert.equal(a.form, 'hmac-sha256');
    assert.ok(a.form === 'hmac-sha256' && a.keyId === 'k1' && /^[A-Za-z0-9_-]{43}$/.test(a.value));
    assert.deepEqual(pseudonymiseRecipient('user-42', key), a, 'stable: the platform can look a recipient up');
    assert.notDeepEqual(pseudonymiseRecipient('user-43', key), a);
    assert.notDeepEqual(pseudonymiseRecipient('user-42', { id: 'k2', key: new Uint8Array(32).fill(8) }).value, a.value);
  });

  it('refuses a missing or unusable recipient', () => {
    for (const bad of [undefined, '', '   ', 'a\nb', 'x'.repeat(257), 'a\u202eb'])
      assert.throws(
        () => checkRecipient(bad),
        (e: unknown) => isHeguiError(e) && e.code === 'usage',
        JSON.stringify(bad),
      );
  });

  it('appends one JSON line per record, creating the folder, mode 0600', async () => {
    const log = join(dir, 'records/deliveries.jsonl');
    const record: UnlabelledDeliveryRecord = {
      type: RECORD_TYPE,
      version: 1,
      id: '6f1c2d3e-0000-4000-8000-000000000001',
      time: new Date().toISOString(),
      recipient: { form: 'plain', value: 'u1' },
      file: { sha256: '0'.repeat(64), size: 1 },
      producer: 'P',
      produceId: 'x',
      serviceType: 'other',
      reason: 'user_request',
      basis: 'Labelling Measures Art. 9',
      agreement: 'UA',
      metadataLabel: true,
      policy: '1'.repeat(64),
    };
    await appendRecord(log, record);
    await appendRecord(log, { ...record, produceId: 'y' });
    const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).produceId),
      ['x', 'y'],
    );
    const { stat } = await import('node:fs/promises');
    assert.equal((await stat(log)).mode & 0o777, 0o600);

    // Read back for the log: the record as written, by its id; a record without one is named by its line's hash.
    const [line] = lines;
    assert.deepEqual(parseRecordLine(line!), { id: record.id, record: JSON.parse(line!) });
    const { id: _, ...old } = JSON.parse(line!);
    const oldLine = JSON.stringify({ ...old, later: 'a field added later' });
    const parsed = parseRecordLine(oldLine);
    assert.match(parsed.id, /^sha256-[0-9a-f]{64}$/);
    assert.equal((parsed.record as unknown as { later: string }).later, 'a field added later', 'kept, not refused');
    const bad: [string, RegExp][] = [
      ['not json', /not JSON/],
      [JSON.stringify({ ...record, version: 2 }), /version/],
      [JSON.stringify({ ...record, serviceType: 'chat' }), /serviceType/],
      [JSON.stringify({ ...record, file: { sha256: 'x', size: 1 } }), /file\.sha256/],
      [JSON.stringify({ ...record, recipient: { form: 'plain' } }), /recipient/],
      [JSON.stringify({ ...record, id: 'a b' }), /\bid\b/],
      [JSON.stringify({ ...record, time: 'yesterday' }), /time/],
    ];
    for (const [text, message] of bad)
      assert.throws(
        () => parseRecordLine(text),
        (e: unknown) => isHeguiError(e) && e.code === 'malformed' && message.test(e.message),
        text,
      );
    assert.throws(() => parseRecordLine(`"${'x'.repeat(70_000)}"`), { code: 'oversize' });
  });
});

describe('the documented example', () => {
  it('docs/policy.example.json loads', async () => {
    const p = await loadPolicy(new URL('../../docs/policy.example.json', import.meta.url).pathname);
    assert.equal(p.serviceType, 'face-generation');
    assert.equal(p.services['face-generation'].explicit.video.span, 'start-and-end');
    assert.ok(p.services['synthetic-voice'].explicit.audio.prompt?.endsWith('docs/prompts/ai-generated.wav'));
  });
});
