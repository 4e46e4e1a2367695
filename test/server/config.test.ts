/** Server configuration: defaults, precedence (file < environment < flags), and errors that list every problem. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-config-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:8080 and ./data, with SMS by the development sender and manual ID review', () => {
    const c = loadConfig({});
    assert.deepEqual([c.host, c.port, c.dataDir], ['127.0.0.1', 8080, './data']);
    assert.equal(c.verification.sms.provider, 'development');
    assert.equal(c.verification.residentId.provider, 'manual');
    assert.equal(c.verification.nationalIdentity.provider, 'none');
    assert.equal(c.admin.username, 'admin');
  });

  it('lets the environment override the file and flags override both', async () => {
    const file = join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ port: 9000, host: '0.0.0.0', dataDir: '/srv/file', totpIssuer: 'Acme' }));
    const c = loadConfig({ HEGUI_PORT: '9100', HEGUI_DATA_DIR: '/srv/env' }, { config: file, data: '/srv/flag' });
    assert.deepEqual([c.port, c.host, c.dataDir, c.totpIssuer], [9100, '0.0.0.0', '/srv/flag', 'Acme']);
    // A numeric-looking password stays a string.
    assert.equal(loadConfig({ HEGUI_ADMIN_PASSWORD: '123456789012' }).admin.password, '123456789012');
  });

  it('lists every problem with where it came from, and never the values', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ verification: { sms: { provider: 'webhook' } }, sessions: { idleMinutes: 0 } }),
    );
    assert.throws(
      () =>
        loadConfig(
          { HEGUI_PORT: '70000', HEGUI_MIN_ASSURANCE: 'supreme', HEGUI_ADMIN_PASSWORD: 'hunter2-secret' },
          { config: file },
        ),
      (e: Error & { code: string }) => {
        assert.equal(e.code, 'config_invalid');
        assert.match(e.message, /has 4 problem\(s\)/);
        assert.match(e.message, /- port \(from HEGUI_PORT\): /);
        assert.match(e.message, /- minAssurance \(from HEGUI_MIN_ASSURANCE\): /);
        assert.match(
          e.message,
          new RegExp(`- sessions\\.idleMinutes \\(from config file ${file.replace(/[.\\/]/g, '\\$&')}\\)`),
        );
        assert.match(e.message, /- verification\.sms\.webhook .*required when sms\.provider is "webhook"/);
        assert.ok(!e.message.includes('70000') && !e.message.includes('hunter2'));
        return true;
      },
    );
  });

  it('says when the file cannot be read or is not JSON', async () => {
    assert.throws(() => loadConfig({}, { config: join(dir, 'none.json') }), /cannot be read \(ENOENT\)/);
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "port": ');
    assert.throws(() => loadConfig({}, { config: file }), /not valid JSON/);
  });
});
