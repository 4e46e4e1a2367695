/**
 * Ogg hostile and edge cases (TC260-PG-202510A: comment header `AIGC=`; RFC 3533 paging, RFC 7845, Vorbis I).
 * Every rewritten file is checked with the test-side page walker and bit-by-bit CRC, and by ffmpeg's packets.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLabel, labelBytes, readLabel, serializeBare } from '../../src/index.ts';
import {
  assertOggStructure,
  ffmpegRun,
  oggPages,
  PRODUCER,
  packetLines,
  probe,
  refreshOggCrc,
  refusedInPlace,
  rejectsWith,
  vorbisCommentBlock,
  warningCodes,
} from './audio-support.ts';

const label = createLabel({ producer: PRODUCER, produceId: 'ogg-0001' });
const other = createLabel({ producer: PRODUCER, produceId: 'ogg-0002', label: '2' });
const json = serializeBare(label);
const SINE = ['-f', 'lavfi', '-i', 'sine=duration=0.5'];

let dir: string;
let opus: Buffer;
let vorbis: Buffer;

async function make(name: string, args: string[]): Promise<Buffer> {
  const p = join(dir, name);
  await ffmpegRun([...SINE, ...args, p]);
  return readFile(p);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hegui-ogg-'));
  opus = await make('base.opus', ['-c:a', 'libopus', '-metadata', 'title=Base']);
  vorbis = await make('base.ogg', ['-c:a', 'libvorbis', '-metadata', 'title=Base']);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Replace `from` by `to` (same length) inside the file and fix the CRC of the page holding it. */
function patch(file: Buffer, from: string, to: string): Buffer {
  const out = Buffer.from(file);
  const at = out.indexOf(from);
  assert.ok(at > 0, `${from} not found`);
  out.write(to, at, 'latin1');
  const page = oggPages(out).find((p) => p.offset <= at && at < p.offset + p.length)!;
  refreshOggCrc(out, page.offset);
  return out;
}

/** Check the rewrite kept every audio packet and made a valid page structure; returns the reading. */
async function checkRewrite(name: string, input: Buffer, out: Uint8Array) {
  assertOggStructure(out);
  const a = join(dir, `${name}-in.ogg`);
  const b = join(dir, `${name}-out.ogg`);
  await writeFile(a, input);
  await writeFile(b, out);
  const strip = (l: string[]): string[] => l.map((x) => x.replace(/, S=\d+.*$/, ''));
  assert.deepEqual(strip(await packetLines(b)), strip(await packetLines(a)), 'packets changed');
  return readLabel(out);
}

describe('ogg: hostile pages', () => {
  it('a bad capture pattern on a header page → malformed; on an audio page → read fine, write malformed', async () => {
    const pages = oggPages(opus);
    const header = Buffer.from(opus);
    header.write('OggX', pages[1]!.offset, 'latin1');
    await rejectsWith(readLabel(header), 'malformed');
    await refusedInPlace(dir, 'capture1.opus', header, 'malformed');
    const audio = Buffer.from(opus);
    audio.write('Oggs', pages.at(-1)!.offset, 'latin1');
    assert.equal((await readLabel(audio)).sites.length, 0);
    await refusedInPlace(dir, 'capture2.opus', audio, 'malformed');
  });

  it('a segment table running past the end of the file → truncated', async () => {
    const cut = opus.subarray(0, oggPages(opus)[1]!.offset + 27);
    await rejectsWith(readLabel(cut), 'truncated');
    await refusedInPlace(dir, 'lacing.opus', cut, 'truncated');
  });

  it('lacing that never ends the comment packet (over 16 MiB) → oversize', async () => {
    const bos = opus.subarray(0, oggPages(opus)[1]!.offset);
    const page = Buffer.alloc(27 + 255 + 255 * 255);
    page.write('OggS', 0, 'latin1');
    page.writeUInt32LE(oggPages(opus)[0]!.serial, 14);
    page[26] = 255;
    page.fill(255, 27, 27 + 255);
    page.write('OpusTags', 27 + 255, 'latin1');
    const pages = [bos];
    for (let i = 1; i <= 260; i++) {
      const p = Buffer.from(page);
      p[5] = i > 1 ? 1 : 0;
      p.writeUInt32LE(i, 18);
      pages.push(p);
    }
    const bad = Buffer.concat(pages);
    await rejectsWith(readLabel(bad), 'oversize');
    await refusedInPlace(dir, 'endless.opus', bad, 'oversize');
  });

  it('a CRC mismatch: read warns and still reads the label; write refuses (header or audio page)', async () => {
    const labelled = Buffer.from(await labelBytes(opus, label));
    const pages = oggPages(labelled);
    const header = Buffer.from(labelled);
    header[pages[1]!.offset + pages[1]!.length - 1]! ^= 0x01; // last byte of the comment header (the label's value)
    const r = await readLabel(header);
    assert.ok(warningCodes(r).includes('crc_mismatch'));
    assert.equal(r.sites.length, 1);
    await refusedInPlace(dir, 'crc1.opus', header, 'malformed');
    const audio = Buffer.from(labelled);
    audio[pages[2]!.offset + pages[2]!.length - 1]! ^= 0x10;
    await refusedInPlace(dir, 'crc2.opus', audio, 'malformed');
  });

  it('a page version other than 0 after the headers → write malformed', async () => {
    const bad = Buffer.from(opus);
    bad[oggPages(opus)[2]!.offset + 4] = 1;
    await refusedInPlace(dir, 'version.opus', bad, 'malformed');
  });

  it('a Vorbis comment header without its framing bit → write malformed', async () => {
    const pages = oggPages(vorbis);
    const commentLength = pages[1]!.lacing.findIndex((v) => v < 255);
    const length = pages[1]!.lacing.slice(0, commentLength + 1).reduce((s, v) => s + v, 0);
    const bad = Buffer.from(vorbis);
    const framing = pages[1]!.offset + 27 + pages[1]!.lacing.length + length - 1;
    assert.equal(bad[framing], 1);
    bad[framing] = 0;
    refreshOggCrc(bad, pages[1]!.offset);
    await refusedInPlace(dir, 'framing.ogg', bad, 'malformed');
  });
});

/**
 * The file with its comment header replaced by `packet`: page 1 (which holds the comment header and, for Vorbis, the
 * setup header, as ffmpeg writes them) is laid out again around it and its CRC recomputed.
 */
function withCommentPacket(file: Buffer, packet: Buffer): Buffer {
  const pages = oggPages(file);
  const p1 = pages[1]!;
  assert.equal(pages[2]!.flags & 1, 0, 'the header packets continue past page 1');
  const body = file.subarray(p1.offset + 27 + p1.lacing.length, p1.offset + p1.length);
  const packets: Buffer[] = [];
  let end = 0;
  let start = 0;
  for (const v of p1.lacing) {
    end += v;
    if (v < 255) {
      packets.push(body.subarray(start, end));
      start = end;
    }
  }
  packets[0] = packet;
  const lacing = packets.flatMap((x) => [...Array<number>(Math.floor(x.length / 255)).fill(255), x.length % 255]);
  assert.ok(lacing.length <= 255);
  const head = Buffer.from(file.subarray(p1.offset, p1.offset + 27));
  head[26] = lacing.length;
  const out = Buffer.concat([
    file.subarray(0, p1.offset),
    head,
    Buffer.from(lacing),
    ...packets,
    file.subarray(p1.offset + p1.length),
  ]);
  refreshOggCrc(out, p1.offset);
  return out;
}

/** A comment header (RFC 7845 §5.2 OpusTags; Vorbis I §5 with its framing bit) with the fields patched as given. */
function commentPacket(
  kind: 'opus' | 'vorbis',
  entries: string[],
  patchList: (list: Buffer, vendorLength: number) => void = () => {},
): Buffer {
  const vendor = 'Hegui test vendor';
  const list = vorbisCommentBlock(vendor, entries, true).subarray(4);
  patchList(list, Buffer.byteLength(vendor));
  return kind === 'opus'
    ? Buffer.concat([Buffer.from('OpusTags'), list])
    : Buffer.concat([Buffer.from('\x03vorbis', 'latin1'), list, Buffer.from([1])]);
}

describe('ogg: hostile comment headers', () => {
  for (const kind of ['opus', 'vorbis'] as const) {
    const file = () => (kind === 'opus' ? opus : vorbis);

    it(`${kind}: comment count, vendor length or entry length near 2^32 → read warns malformed, write malformed`, async () => {
      const hostile: [string, (list: Buffer, v: number) => void][] = [
        ['count 0xFFFFFFFF', (l, v) => l.writeUInt32LE(0xffffffff, 4 + v)],
        ['count 0xFFFFFFF0', (l, v) => l.writeUInt32LE(0xfffffff0, 4 + v)],
        ['count 0x80000000', (l, v) => l.writeUInt32LE(0x80000000, 4 + v)],
        ['vendor length 0xFFFFFFFF', (l) => l.writeUInt32LE(0xffffffff, 0)],
        ['entry length 0xFFFFFFF0', (l, v) => l.writeUInt32LE(0xfffffff0, 8 + v)],
      ];
      for (const [name, patchList] of hostile) {
        const bad = withCommentPacket(file(), commentPacket(kind, [`AIGC=${json}`, 'TITLE=x'], patchList));
        assertOggStructure(bad);
        const r = await readLabel(bad);
        assert.equal(r.sites.length, 0, name);
        assert.deepEqual(warningCodes(r), ['malformed'], name);
        await refusedInPlace(dir, `${kind}-${name.replace(/\W+/g, '-')}.ogg`, bad, 'malformed');
      }
    });

    it(`${kind}: a zero-length comment packet → read warns malformed, write malformed`, async () => {
      const bad = withCommentPacket(file(), Buffer.alloc(0));
      assertOggStructure(bad);
      assert.equal(oggPages(bad)[1]!.lacing[0], 0);
      const r = await readLabel(bad);
      assert.deepEqual([r.sites.length, warningCodes(r)], [0, ['malformed']]);
      await refusedInPlace(dir, `${kind}-empty-comment.ogg`, bad, 'malformed');
    });

    it(`${kind}: an empty comment list and a zero-length entry → labelled, the empty entry kept`, async () => {
      for (const entries of [[], ['', 'TITLE=kept']]) {
        const input = withCommentPacket(file(), commentPacket(kind, entries));
        assert.deepEqual((await readLabel(input)).warnings, []);
        const out = await labelBytes(input, label);
        const again = await checkRewrite(`${kind}-entries-${entries.length}`, input, out);
        assert.deepEqual([again.sites.length, again.label], [1, label]);
        const comment = Buffer.from(out).subarray(oggPages(out)[1]!.offset);
        if (entries.length) assert.ok(comment.includes(Buffer.from('\0\0\0\0\x0a\0\0\0TITLE=kept', 'latin1')));
      }
    });
  }
});

describe('ogg: labels', () => {
  for (const codec of ['libopus', 'libvorbis']) {
    it(`${codec}: two AIGC entries → read 2; write leaves one, keeps the others, pages valid`, async () => {
      const name = `two-${codec}.ogg`;
      const made = await make(name, [
        '-c:a',
        codec,
        '-metadata',
        'title=T',
        '-metadata',
        `AIGX=${json}`,
        '-metadata',
        `AIGY=${serializeBare(other)}`,
      ]);
      const file = patch(patch(made, 'AIGX=', 'AIGC='), 'AIGY=', 'aigc=');
      const r = await readLabel(file);
      assert.equal(r.sites.length, 2);
      assert.equal(r.sites[0]!.normative, true);
      const out = await labelBytes(file, other);
      const again = await checkRewrite(`two-${codec}`, file, out);
      assert.equal(again.sites.length, 1);
      assert.deepEqual(again.label, other);
      await writeFile(join(dir, name), out);
      assert.equal((await probe(join(dir, name))).streams[0]!.tags?.['title'], 'T');
    });
  }

  /** An Opus file whose comment header is `target` bytes long (one `pad` tag sized to fit). */
  async function opusWithComment(name: string, target: number, extra: string[] = []): Promise<Buffer> {
    const withPad = (n: number) => make(name, ['-c:a', 'libopus', ...extra, '-metadata', `pad=${'p'.repeat(n)}`]);
    const commentLength = (b: Buffer): number => {
      const pages = oggPages(b);
      let n = 0;
      for (const p of pages.slice(1)) {
        n += p.lacing.reduce((s, v) => s + v, 0);
        if (p.lacing.at(-1)! < 255) return n;
      }
      throw new Error('no comment end');
    };
    const first = await withPad(60_000);
    const file = await withPad(60_000 + target - commentLength(first));
    assert.equal(commentLength(file), target);
    return file;
  }

  it('the label pushes the comment header onto a new page → every later page renumbered, CRCs recomputed', async () => {
    const file = await opusWithComment('grow.opus', 64_900); // 255 lacing values: one full page
    assert.ok(!(oggPages(file)[2]!.flags & 1), 'fixture comment header already spans pages');
    const out = await labelBytes(file, label);
    assert.equal(oggPages(out).length, oggPages(file).length + 1);
    assert.ok(oggPages(out)[2]!.flags & 1, 'the comment header should now continue on page 2');
    assert.deepEqual((await checkRewrite('grow', file, out)).label, label);
  });

  it('a long old label replaced by a short one → one header page fewer, pages renumbered down', async () => {
    const longOld = serializeBare({ ...other, ReservedCode1: 'r'.repeat(1500) });
    const made = await opusWithComment('shrink.opus', 65_600, ['-metadata', `AIGX=${longOld}`]);
    const file = patch(made, 'AIGX=', 'AIGC=');
    assert.equal((await readLabel(file)).sites.length, 1);
    const out = await labelBytes(file, label);
    assert.equal(oggPages(out).length, oggPages(file).length - 1);
    assert.deepEqual((await checkRewrite('shrink', file, out)).label, label);
  });

  it('chained and multiplexed files: read the first stream, write refused', async () => {
    const labelled = Buffer.from(await labelBytes(opus, label));
    const chained = Buffer.concat([labelled, opus]);
    assert.deepEqual((await readLabel(chained)).label, label);
    await refusedInPlace(dir, 'chained.opus', chained, 'format_unsupported');
    const mux = await make('mux.ogg', [
      '-filter_complex',
      'asplit[a][b]',
      '-map',
      '[a]',
      '-map',
      '[b]',
      '-c:a',
      'libopus',
    ]);
    assert.ok(warningCodes(await readLabel(mux)).includes('ogg_multiplexed'));
    await refusedInPlace(dir, 'mux.ogg', mux, 'format_unsupported');
  });

  it('Ogg FLAC and Speex: the comment is read (not normative), writing is refused', async () => {
    for (const [name, args, placement] of [
      ['flac.oga', ['-c:a', 'flac', '-f', 'ogg'], 'ogg.flac-comment'],
      ['speex.spx', ['-c:a', 'libspeex', '-ar', '16000', '-f', 'ogg'], 'ogg.speex-comment'],
    ] as const) {
      const file = patch(await make(name, [...args, '-metadata', `AIGX=${json}`]), 'AIGX=', 'AIGC=');
      const r = await readLabel(file);
      assert.equal(r.format.codec, 'ogg');
      assert.deepEqual(
        r.sites.map((s) => [s.placement, s.normative]),
        [[placement, false]],
        name,
      );
      assert.deepEqual(r.label, label);
      await refusedInPlace(dir, name, file, 'format_unsupported');
    }
  });
});
