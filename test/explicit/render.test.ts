/**
 * The renderer's parts: WCAG contrast, the plate choice, text sized by measured ink and drawn with the bundled font,
 * layout, JPEG quality.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { contrastRatio, relativeLuminance } from '../../src/index.ts';
import {
  ANY_BACKGROUND,
  choosePlate,
  MIN_PLATE_ALPHA,
  plateAlphaFor,
  worstContrast,
} from '../../src/label/explicit/contrast.ts';
import { labelFontFile } from '../../src/label/explicit/font.ts';
import { fitText, renderText } from '../../src/label/explicit/glyphs.ts';
import { estimateJpegQuality } from '../../src/label/explicit/jpeg-quality.ts';
import { displayToCoded, placePlate, targetInkHeight } from '../../src/label/explicit/layout.ts';
import { inkBox } from '../../src/label/explicit/measure/ink.ts';
import { filterPath } from '../../src/label/explicit/video.ts';
import { run } from '../support/run.ts';

const TSX = fileURLToPath(import.meta.resolve('tsx'));
const RENDER = fileURLToPath(new URL('./children/render-text.ts', import.meta.url));

describe('contrast (WCAG 2)', () => {
  it('matches the published reference values', () => {
    const l = (v: number) => relativeLuminance(v, v, v);
    assert.equal(contrastRatio(l(255), l(0)), 21);
    assert.equal(contrastRatio(l(0), l(0)), 1);
    // #767676 on white is the well-known lightest grey that passes 4.5:1; #777777 just fails.
    assert.ok(contrastRatio(l(255), l(0x76)) >= 4.5);
    assert.ok(contrastRatio(l(255), l(0x77)) < 4.5);
    assert.ok(Math.abs(relativeLuminance(255, 0, 0) - 0.2126) < 1e-9);
  });

  it('chooses the lightest plate that reaches 7:1 over every background colour, never under 0.6', () => {
    const white = choosePlate(new Set([0xffffff]));
    assert.equal(white.polarity, 'dark-on-light', 'dark text on white needs no dark plate');
    assert.equal(white.alpha, MIN_PLATE_ALPHA);
    const black = choosePlate(new Set([0x000000]));
    assert.equal(black.polarity, 'light-on-dark');
    const any = choosePlate(ANY_BACKGROUND);
    assert.ok(any.contrast >= 7 && any.alpha < 0.7);
    const busy = new Set<number>();
    for (let i = 0; i < 4096; i++) busy.add((i * 2654435761) & 0xffffff);
    const c = choosePlate(busy);
    assert.ok(c.contrast >= 7);
    assert.ok(worstContrast(c.polarity, c.alpha - 0.01, busy) < 7 || c.alpha === MIN_PLATE_ALPHA, 'the lightest');
    assert.ok(worstContrast('light-on-dark', MIN_PLATE_ALPHA, ANY_BACKGROUND) >= 4.5, 'even the floor holds 4.5:1');
  });

  it('on a huge sample, searching only the extreme colours gives the choice an exhaustive search gives', () => {
    for (const bias of [0, 60, 120]) {
      const many = new Set<number>();
      let s = 7 + bias;
      while (many.size < 20_000) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const c = s & 0xffffff;
        // Skew the sample darker by `bias` levels per channel, so both polarities get exercised.
        const d = (v: number) => Math.max(0, v - bias);
        many.add((d((c >> 16) & 255) << 16) | (d((c >> 8) & 255) << 8) | d(c & 255));
      }
      const chosen = choosePlate(many);
      const exhaustive = plateAlphaFor(chosen.polarity, many);
      assert.ok(Math.abs(chosen.alpha - exhaustive) < 0.011, `${chosen.alpha} vs ${exhaustive}`);
      assert.ok(worstContrast(chosen.polarity, chosen.alpha, many) >= 6.9);
    }
  });
});

describe('text rendering', () => {
  it('sizes the text by its measured ink, never under the target, within 2 px above it', async () => {
    for (const target of [12, 13, 24, 55, 101, 301]) {
      for (const text of ['AI生成', '人工智能合成', 'AI 生成']) {
        const m = await fitText(text, target);
        const measured = inkBox(m.mask, m.width, m.height);
        assert.equal(measured?.height, m.ink.height);
        assert.ok(m.ink.height >= target, `${text} at ${target}: ${m.ink.height}`);
        assert.ok(m.ink.height <= target + 2, `${text} at ${target}: ${m.ink.height} is not oversized`);
      }
    }
  });

  it('draws with the bundled Noto Sans SC: Latin glyphs differ from a fallback family', async () => {
    const ours = await renderText('AI', 40);
    const fallback = await sharp({ text: { text: 'AI', font: 'DejaVu Sans 40', dpi: 72 } })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true })
      .catch(() => null);
    if (fallback) {
      const same =
        fallback.info.width === ours.width &&
        fallback.info.height === ours.height &&
        fallback.data.equals(Buffer.from(ours.mask));
      assert.ok(!same);
    }
    assert.ok(ours.ink.height > 20);
  });

  it('CJK glyphs come from the bundled Noto Sans SC Bold file, not from a system font', async (t) => {
    // Each rendering in a process of its own: a font file added to Pango stays added for the whole process.
    const render = async (fontfile: string) => {
      const r = await run(process.execPath, ['--import', TSX, RENDER, 'AI生成', 'Noto Sans SC Bold 60.00', fontfile]);
      assert.equal(r.code, 0, r.stderr);
      const o = JSON.parse(r.stdout) as { width: number; height: number; mask: string };
      return { width: o.width, height: o.height, mask: Buffer.from(o.mask, 'base64') };
    };
    const same = (a: { width: number; height: number; mask: Uint8Array }, b: typeof a) =>
      a.width === b.width && a.height === b.height && Buffer.from(a.mask).equals(Buffer.from(b.mask));
    const ours = await renderText('AI生成', 60);
    const dir = await mkdtemp(join(tmpdir(), 'hegui-font-'));
    try {
      // The same bytes under another name, alone in a fresh process: exactly the renderer's pixels.
      const copy = join(dir, 'copy.ttf');
      await copyFile(labelFontFile(), copy);
      assert.ok(same(await render(copy), ours), 'the renderer draws what this TTF draws');
      // The same family and size from the package's Regular file: other CJK strokes, so the file decides them.
      const regular = join(dirname(labelFontFile()), '..', '400Regular', 'NotoSansSC_400Regular.ttf');
      const thin = await render(regular);
      assert.ok(!same(thin, ours), 'another weight of the family draws other glyphs');
      // No file: whatever the system has for CJK (a fallback font, or boxes for missing glyphs).
      const system = await render('-');
      if (same(system, ours)) {
        const installed = await run('fc-list', ['Noto Sans SC:style=Bold']).catch(() => null);
        if (installed?.stdout.trim()) return t.skip('this system has Noto Sans SC Bold installed itself');
      }
      assert.ok(!same(system, ours), 'without the file the CJK glyphs would be another font');
      // The ink of the CJK part differs, not just the Latin "AI": compare the right half of each mask.
      const right = (m: { width: number; height: number; mask: Uint8Array }) => {
        let ink = 0;
        for (let y = 0; y < m.height; y++) for (let x = m.width >> 1; x < m.width; x++) ink += m.mask[y * m.width + x]!;
        return ink;
      };
      assert.notEqual(right(thin), right(ours), 'the ideographs themselves change with the file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('treats markup characters as text (Pango markup is escaped)', async () => {
    const plain = await renderText('AI生成 <b>x</b> &amp;', 20);
    const longer = await renderText('AI生成 x', 20);
    assert.ok(plain.ink.width > longer.ink.width, 'the tags are drawn, not applied');
  });
});

describe('layout', () => {
  it('targets 5% of the shortest side plus one coding pixel, with a 12 px floor', () => {
    assert.equal(targetInkHeight(1920, 1080), 55);
    assert.equal(targetInkHeight(1080, 1920), 55);
    assert.equal(targetInkHeight(640, 480), 25);
    assert.equal(targetInkHeight(64, 48), 12);
    assert.equal(targetInkHeight(8000, 6000), 301);
  });

  it('refuses a picture too small for a legible label with label_unfit', () => {
    assert.throws(() => placePlate('bottom-right', 16, 16, 52, 20), { code: 'label_unfit' });
  });

  it('maps a displayed box into the coded frame for each rotation, as sharp turns pixels', async () => {
    const W = 40;
    const H = 30;
    const box = { x: 3, y: 20, width: 10, height: 6 };
    const shown = Buffer.alloc(W * H);
    for (let y = box.y; y < box.y + box.height; y++)
      for (let x = box.x; x < box.x + box.width; x++) shown[y * W + x] = 255;
    for (const ccw of [0, 90, 180, 270] as const) {
      // The coded frame is the displayed one turned clockwise by the display rotation.
      const { data, info } = await sharp(shown, { raw: { width: W, height: H, channels: 1 } })
        .rotate(ccw)
        .extractChannel(0)
        .raw()
        .toBuffer({ resolveWithObject: true });
      const found = inkBox(new Uint8Array(data), info.width, info.height);
      assert.deepEqual(found, displayToCoded(box, W, H, ccw), `rotation ${ccw}`);
    }
  });

  it('escapes a path for an ffmpeg filter graph', () => {
    assert.equal(filterPath('/tmp/a.png'), '/tmp/a.png');
    assert.equal(filterPath("/t/we:ird,d[ir]'s"), "/t/we\\\\:ird\\,d\\[ir\\]\\\\\\'s");
  });
});

describe('JPEG quality estimate', () => {
  it('recovers the quality sharp (libjpeg) saved at', async () => {
    const img = sharp({ create: { width: 32, height: 32, channels: 3, background: '#468' } });
    for (const q of [30, 50, 75, 85, 90, 95, 100]) {
      assert.equal(estimateJpegQuality(await img.clone().jpeg({ quality: q }).toBuffer()), q);
    }
  });

  it('estimates a non-IJG table by its scale, and gives up on anything that is not a JPEG', () => {
    // A DQT whose entries are all 2: the sum-scale inversion lands near quality 97.
    const dqt = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00]),
      Buffer.alloc(64, 2),
      Buffer.from([0xff, 0xda]),
    ]);
    const q = estimateJpegQuality(dqt);
    assert.ok(q !== null && q >= 95 && q <= 99, String(q));
    assert.equal(estimateJpegQuality(Buffer.from('not a jpeg')), null);
    assert.equal(estimateJpegQuality(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0xff, 0xff])), null, 'a length past the end');
  });
});
