/**
 * Plate mode `any`: the plate is chosen for any background without sampling the picture (the plate a video gets), the
 * picture drawn in one libvips pass. The same tile on every background, a contrast floor that holds over black and
 * white, the label found and passed by the independent pixel check, the metadata label written; the policy file and
 * both commands take the mode; a mode that does not exist is refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createLabel,
  isHeguiError,
  labelImageFile,
  measureExplicitLabel,
  parsePolicy,
  readLabel,
  renderImageLabel,
} from '../../src/index.ts';
import { MIN_CONTRAST } from '../../src/label/explicit/contrast.ts';
import { run } from '../support/run.ts';
import { noise, rgb, solid, wcagLuminance, wcagRatio } from './support.ts';

const P = '001191440300708461136T1XGW3';
const BIN = fileURLToPath(new URL('../../bin/hegui.js', import.meta.url));
const hegui = (args: string[]) =>
  run(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true', HEGUI_PRODUCER: '' } });
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-plate-any-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('plate mode any', () => {
  const inputs = {
    white: () => solid(640, 480, '#ffffff').jpeg({ quality: 90 }).toBuffer(),
    black: () => solid(640, 480, '#000000').jpeg({ quality: 90 }).toBuffer(),
    noise: () => noise(640, 480, 3).jpeg({ quality: 90 }).toBuffer(),
    'transparent PNG': () => noise(640, 480, 4).ensureAlpha(0.3).png().toBuffer(),
  };

  it('draws the same plate on every background, with a contrast floor over any backdrop', async () => {
    const looks = new Set<string>();
    for (const [name, make] of Object.entries(inputs)) {
      const { data, report } = await renderImageLabel(await make(), { plate: 'any' });
      assert.equal(report.plateMode, 'any', name);
      assert.equal(report.polarity, 'light-on-dark', name);
      looks.add(`${report.plateAlpha}`);
      assert.ok(report.contrast >= 7, `${name}: designed for 7:1 over pure white (${report.contrast})`);
      // Checked from the pixels, independently: the darkest plate over white is the worst case.
      const px = await rgb(data);
      const { x, y } = report.plate;
      const i = ((y + 1) * px.width + x + Math.floor(report.plate.width / 2)) * 3;
      if (name === 'white') {
        const l = wcagLuminance(px.data[i]!, px.data[i + 1]!, px.data[i + 2]!);
        assert.ok(wcagRatio(1, l) >= MIN_CONTRAST, `${name}: plate pixel contrast ${wcagRatio(1, l)}`);
      }
    }
    assert.equal(looks.size, 1, 'one plate for every picture');
  });

  it('is found and passed by the pixel check, and the metadata label is written', async () => {
    const input = join(dir, 'in.jpg');
    await writeFile(input, await inputs.noise());
    const out = join(dir, 'out.jpg');
    const r = await labelImageFile(input, out, { plate: 'any', label: createLabel({ producer: P, produceId: 'p1' }) });
    assert.equal(r.report.plateMode, 'any');
    const check = await measureExplicitLabel(out);
    assert.equal(check.pass, true, JSON.stringify(check.criteria));
    assert.equal((await readLabel(out)).label?.ProduceID, 'p1');
  });

  it('local (the default) still samples: a white picture gets a lighter choice than any background needs', async () => {
    const white = await inputs.white();
    const local = await renderImageLabel(white);
    const any = await renderImageLabel(white, { plate: 'any' });
    assert.equal(local.report.plateMode, 'local');
    assert.notEqual(
      `${local.report.polarity}/${local.report.plateAlpha}`,
      `${any.report.polarity}/${any.report.plateAlpha}`,
    );
  });

  it('refuses a mode that does not exist', async () => {
    await assert.rejects(
      renderImageLabel(await inputs.white(), { plate: 'sideways' as never }),
      (e: unknown) => isHeguiError(e) && e.code === 'usage' && /local, any/.test(e.message),
    );
  });

  it('the policy file takes it for images, and refuses other values', () => {
    const p = parsePolicy({ version: 1, defaults: { explicit: { image: { plate: 'any' } } } }, dir);
    assert.equal(p.services.other.explicit.image.plate, 'any');
    assert.throws(
      () => parsePolicy({ version: 1, defaults: { explicit: { image: { plate: 'bright' } } } }, dir),
      (e: unknown) => isHeguiError(e) && e.code === 'policy_invalid' && /plate/.test(e.message),
    );
  });

  it('both commands take --plate; it means nothing without --explicit or --policy', async () => {
    const input = join(dir, 'cli.jpg');
    await writeFile(input, await inputs.noise());
    const r = await hegui(['explicit', input, '--producer', P, '--out', join(dir, 'o1'), '--plate', 'any', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).files[0].plate, 'any');
    const l = await hegui(['label', input, '--producer', P, '--out', join(dir, 'o2'), '--explicit', '--plate', 'any']);
    assert.equal(l.code, 0, l.stderr);
    assert.equal((await measureExplicitLabel(join(dir, 'o2', 'cli.jpg'))).pass, true);
    const bad = await hegui(['label', input, '--producer', P, '--out', join(dir, 'o3'), '--plate', 'any']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--plate/);
  });
});
