/**
 * `hegui serve`'s own start-up path (nothing handed in): every duty opens on the SQLite file under the data folder,
 * the slices take their policy from the `duties` key of the config file and answer over HTTP; bad duty configuration
 * is refused at start.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/server/config.ts';
import { type RunningServer, startServer } from '../../src/server/serve.ts';

let dir: string;
let running: RunningServer;
const file = () => join(dir, 'config.json');
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-duties-serve-'));
});
after(async () => {
  await running?.shutdown('test finished');
  await rm(dir, { recursive: true, force: true });
});

it('refuses a malformed duties configuration', async () => {
  await writeFile(file(), JSON.stringify({ duties: { complaints: { holidays: ['1 October'] } } }));
  assert.throws(
    () => loadConfig({}, { config: file() }),
    (e: Error & { code?: string }) => e.code === 'config_invalid',
  );
});

it('opens the duty slices on the SQL store with the configured calendar and deadlines', async () => {
  await writeFile(
    file(),
    JSON.stringify({
      duties: {
        complaints: { holidays: ['2026-10-01'], deadlines: { missing_ai_label: { workingDays: 10 } } },
        enforcement: { suspendAtStreak: 4 },
      },
    }),
  );
  const config = loadConfig(
    {
      HEGUI_PORT: '0',
      HEGUI_DATA_DIR: dir,
      HEGUI_SECRET_KEY: randomBytes(32).toString('base64'),
      HEGUI_ADMIN_PASSWORD: 'Test-Operator-Pass-1',
    },
    { config: file() },
  );
  running = await startServer(config, { print: () => {}, logger: pino({ level: 'silent' }) });
  const doc = await (await fetch(`${running.url}/api/public/complaints/process`)).json();
  const label = doc.deadlines.find((d: { category: string }) => d.category === 'missing_ai_label');
  assert.equal(label.deadline, '10 working days (工作日)');
  const r = await fetch(`${running.url}/api/public/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ category: 'illegal_content', description: 'stored in the SQLite file' }),
  });
  assert.equal(r.status, 201);
  const spec = await (await fetch(`${running.url}/openapi.json`)).json();
  // Every duty is served by plain `hegui serve`: governance, enforcement, complaints, rumours and oversight.
  for (const p of [
    '/api/feature-library/proposals',
    '/api/review-queue/items',
    '/api/authority-reports',
    '/api/enforcement/requests',
    '/api/public/complaints',
    '/api/public/rumours/lookup',
    '/api/consents',
    '/api/training-data/datasets',
    '/api/filings/assessments',
    '/api/emergency/stops',
    '/api/log/checkpoint',
  ]) {
    assert.ok(spec.paths[p], p);
  }
  const filings = await fetch(`${running.url}/filings`);
  assert.equal(filings.status, 200, 'the public filing page answers without login');
});
