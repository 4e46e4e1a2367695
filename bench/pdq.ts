/**
 * PDQ: images hashed per second over Meta's PDQ test images (decode + hash, and hash alone), and multi-index-hash
 * query time at 1 M random hashes with near-duplicates planted at distances 0–31, against a linear scan (the peer a
 * user would otherwise write). `npm run bench -- pdq`; HEGUI_TESTDATA points at the shared test data if it is not
 * next to the repository.
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeLuma } from '../src/review/image/decode.ts';
import { HASH256_WORDS } from '../src/review/image/hash256.ts';
import { bruteForceQuery, PdqIndex } from '../src/review/image/mih.ts';
import { pdqFromLuma } from '../src/review/image/pdq.ts';
import { median, printTable } from './util.ts';

const TESTDATA = process.env['HEGUI_TESTDATA'] ?? fileURLToPath(new URL('../../shared/testdata/', import.meta.url));

function images(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...images(p));
    else if (/\.(jpe?g|png|webp)$/i.test(name)) out.push(p);
  }
  return out.sort();
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function hashing(): Promise<void> {
  const dir = join(TESTDATA, 'pdq');
  let files: string[];
  try {
    files = images(dir);
  } catch {
    console.log(`skipped image hashing: no PDQ test images at ${dir} (set HEGUI_TESTDATA)`);
    return;
  }
  const bytes = await Promise.all(files.map((f) => readFile(f)));
  let pixels = 0;
  const decodeMs: number[] = [];
  const hashMs: number[] = [];
  for (let round = 0; round < 3; round++) {
    let d = 0;
    let h = 0;
    pixels = 0;
    for (const b of bytes) {
      let t = process.hrtime.bigint();
      const img = await decodeLuma(b);
      d += ms(t);
      t = process.hrtime.bigint();
      pdqFromLuma(img.luma, img.rows, img.cols);
      h += ms(t);
      pixels += img.rows * img.cols;
    }
    decodeMs.push(d);
    hashMs.push(h);
  }
  const d = median(decodeMs);
  const h = median(hashMs);
  const n = bytes.length;
  console.log(`PDQ over ${n} test images (${(pixels / 1e6).toFixed(1)} Mpixel in all), median of 3 rounds:`);
  console.log(`  decode (sharp) + hash: ${(d + h).toFixed(0)} ms = ${((n * 1000) / (d + h)).toFixed(1)} images/s`);
  console.log(
    `  hash alone:            ${h.toFixed(0)} ms = ${((n * 1000) / h).toFixed(1)} images/s, ${(pixels / 1e3 / h).toFixed(1)} Mpixel/s`,
  );
}

/** xorshift32: reproducible pseudo-random hashes without a dependency. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function flipBits(h: Uint32Array, count: number, next: () => number): void {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(next() & 255);
  for (const b of chosen) h[b >> 5]! ^= 1 << (b & 31);
}

function indexQueries(): void {
  const n = 1_000_000;
  const planted = 3_200; // 100 near copies at each distance 0–31
  const next = rng(0x5eed);
  const hashes = new Uint32Array(n * HASH256_WORDS);
  for (let k = 0; k < hashes.length; k++) hashes[k] = next();
  // Queries: 1,000 hashes; each index hash n − planted + j is a near copy of query j mod 1,000 at distance j mod 32.
  const queries = Array.from({ length: 1000 }, () => Uint32Array.from({ length: 8 }, next));
  for (let j = 0; j < planted; j++) {
    const h = Uint32Array.from(queries[j % queries.length]!);
    flipBits(h, j % 32, next);
    hashes.set(h, (n - planted + j) * HASH256_WORDS);
  }
  let t = process.hrtime.bigint();
  const index = PdqIndex.build(hashes);
  const buildMs = ms(t);

  for (const q of queries.slice(0, 50)) index.query(q); // warm-up
  const times: number[] = [];
  let found = 0;
  for (const q of queries) {
    t = process.hrtime.bigint();
    found += index.query(q, 31).length;
    times.push(ms(t));
  }
  const bruteTimes: number[] = [];
  let bruteFound = 0;
  for (const q of queries.slice(0, 20)) {
    t = process.hrtime.bigint();
    bruteFound += bruteForceQuery(hashes, q, 31).length;
    bruteTimes.push(ms(t));
  }
  const mihFirst20 = queries.slice(0, 20).reduce((s, q) => s + index.query(q, 31).length, 0);
  if (mihFirst20 !== bruteFound) throw new Error(`index found ${mihFirst20}, linear scan ${bruteFound}`);
  const sorted = [...times].sort((a, b) => a - b);
  const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
  const bsorted = [...bruteTimes].sort((a, b) => a - b);
  console.log(`\nMIH at ${n.toLocaleString('en')} hashes (${planted} planted at distances 0–31), radius 31:`);
  console.log(`  build ${buildMs.toFixed(0)} ms; ${found} matches over ${queries.length} queries (${planted} planted)`);
  printTable([
    {
      case: 'query, median',
      hegui: median(times),
      peers: { 'linear scan': median(bruteTimes) },
    },
    {
      case: 'query, p99',
      hegui: p99,
      peers: { 'linear scan': bsorted[bsorted.length - 1]! },
      note: 'linear scan: max of 20',
    },
  ]);
}

export async function run(): Promise<void> {
  await hashing();
  indexQueries();
}
