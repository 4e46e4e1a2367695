/** `hegui id check` and `hegui hash image`, run as a user runs them: the real bin/hegui.js over the built dist/. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { run } from '../support/run.ts';

const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const hegui = (args: string[], input?: string) =>
  run(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true' }, ...(input ? { input } : {}) });

describe('hegui id check', () => {
  it('prints a valid ID masked, with its parts, and exits 0', async () => {
    const r = await hegui(['id', 'check', '11010519491231002X']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /number: +110105\*{8}002X/);
    assert.match(r.stdout, /valid: +yes/);
    assert.match(r.stdout, /region: +110105 北京市 市辖区 朝阳区/);
    assert.match(r.stdout, /born: +1949-12-31/);
    assert.doesNotMatch(r.stdout + r.stderr, /19491231002X/);
  });

  it('exits 1 with the reason for an invalid number, in JSON too', async () => {
    const r = await hegui(['id', 'check', '110105199902300021', '--json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(
      [j.type, j.valid, j.reason, j.number],
      ['resident', false, 'birth_date_invalid', '110105********0021'],
    );
    assert.doesNotMatch(r.stdout + r.stderr, /19990230/);
  });

  it('reads the number from standard input with "-"', async () => {
    const r = await hegui(['id', 'check', '-', '--json'], '91440300708461136T\n');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.type, 'uscc');
    assert.equal(j.parts.organisationCode, '708461136');
  });

  it('checks mobile numbers and honours --type', async () => {
    const m = await hegui(['id', 'check', '+86 138 0013 8000', '--json']);
    assert.equal(m.code, 0);
    assert.deepEqual(JSON.parse(m.stdout).parts, { carrier: 'China Mobile', service: 'mobile', segment: '138' });
    assert.equal(JSON.parse(m.stdout).number, '138****8000');
    const forced = await hegui(['id', 'check', '13800138000', '--type', 'resident']);
    assert.equal(forced.code, 1);
    assert.match(forced.stdout, /no \(length\)/);
  });

  it('exits 2 on a usage error', async () => {
    assert.equal((await hegui(['id', 'check', '1', '--type', 'passport'])).code, 2);
    assert.equal((await hegui(['id', 'check'])).code, 2);
    assert.equal((await hegui(['id', 'check', '-'], ' ')).code, 2);
  });
});

describe('hegui hash image', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hegui-hash-'));
    const noise = Buffer.from(Array.from({ length: 96 * 64 * 3 }, (_, i) => ((i * 2654435761) >>> 24) & 255));
    await sharp(noise, { raw: { width: 96, height: 64, channels: 3 } })
      .png()
      .toFile(join(dir, 'a.png'));
    await sharp(noise, { raw: { width: 96, height: 64, channels: 3 } })
      .rotate(90)
      .png()
      .toFile(join(dir, 'b.png'));
    await writeFile(join(dir, 'c.txt'), 'not an image');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints hash and quality per file; --all adds the 8 dihedral hashes', async () => {
    const r = await hegui(['hash', 'image', join(dir, 'a.png'), '--all']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^[0-9a-f]{64} +\d+ .*a\.png$/);
    assert.equal(lines.length, 9);
    assert.equal(lines[1]!.trim().split(' ')[0], lines[0]!.split(' ')[0], 'original equals the hash');
  });

  it('gives JSON whose rotate270 hash of an image is the hash of the image rotated by 90°', async () => {
    const r = await hegui(['hash', 'image', join(dir, 'a.png'), join(dir, 'b.png'), '--all', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [a, b] = JSON.parse(r.stdout);
    assert.equal(a.dihedral.rotate270, b.pdq);
    assert.equal(a.width, 96);
  });

  it('reports an undecodable file and exits 1, still hashing the others', async () => {
    const r = await hegui(['hash', 'image', join(dir, 'c.txt'), join(dir, 'a.png')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /c\.txt: the image could not be decoded \[format_unknown\]/);
    assert.match(r.stdout, /a\.png/);
  });
});
