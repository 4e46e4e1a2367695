/**
 * `npm run bench -- review`: Hegui's text review side by side with the npm keyword matchers a user would otherwise
 * choose, on one dictionary (shared/testdata/lexicon, 64k words) and one corpus (the first 3 M characters of
 * shared/testdata/corpus), in one run. Prints chars/s, 100-character checks/s, build time, memory, and which evasion
 * variants each engine catches.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AhoCorasick } from '@monyone/aho-corasick/fast';
import { Mint } from 'mint-filter';
import { SensitiveWordTool } from 'sensitive-word-tool';
import { loadLibrary, serialiseLibrary } from '../src/review/compiled/artifact.ts';
import { compileVersion } from '../src/review/compiled/compile.ts';
import type { CompiledLibrary } from '../src/review/compiled/compiled-library.ts';
import { createLibrary, DEFAULT_SETTINGS, publishVersion, toEntry } from '../src/review/library/model.ts';
import { reviewText } from '../src/review/review.ts';
import { MatchSink, newScanState, scan } from '../src/review/scan.ts';
import { median } from './util.ts';

const data = (rel: string) =>
  process.env['HEGUI_TESTDATA']
    ? `${process.env['HEGUI_TESTDATA'].replace(/\/?$/, '/')}${rel}`
    : new URL(`../../shared/testdata/${rel}`, import.meta.url).pathname;
const CORPUS_CHARS = Number(process.env['HEGUI_BENCH_CHARS'] ?? 3_000_000);
const PIECES = 5000;
/** Each round checks every piece this many times, so a round's piece loop lasts long enough to time (≥ 10 ms). */
const PIECE_PASSES = 3;
const ROUNDS = 7;

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

interface Engine {
  name: string;
  /** Does the engine report the target dictionary word in this text? */
  finds(text: string, target: string): boolean;
  scanAll(text: string): number;
}

export function timeMs(runs: number, fn: () => unknown): number {
  fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

function buildTimed<T>(fn: () => T): { value: T; ms: number; bytes: number } {
  const before = heap();
  const t = performance.now();
  const value = fn();
  const ms = performance.now() - t;
  return { value, ms, bytes: heap() - before };
}

function heguiLibrary(words: string[], normalise: boolean): CompiledLibrary {
  const entries = words.map((w, i) =>
    toEntry(
      {
        id: `w${i}`,
        pattern: w,
        riskCode: 'A.1.h',
        action: 'review',
        variants: normalise ? 'pinyin|initials|homophone|split' : 'none',
        boundary: normalise ? 'auto' : 'none',
      },
      `word ${i}`,
    ),
  );
  const v = publishVersion(createLibrary('bench'), {
    settings: { ...DEFAULT_SETTINGS, normalise },
    entries,
    allow: [],
    commonWords: [],
    cooccurrence: [],
  }).versions[0]!;
  return compileVersion(v, 'bench');
}

const libs = new WeakMap<Engine, CompiledLibrary>();

function heguiEngine(name: string, lib: CompiledLibrary): Engine {
  const e: Engine = {
    name,
    finds: (text, target) => reviewText(text, lib).hits.some((h) => h.kind === 'text' && h.pattern === target),
    scanAll: (text) => reviewText(text, lib).hits.length,
  };
  libs.set(e, lib);
  return e;
}

/** A fixed set of evasions per variant kind, built from words that are in the dictionary. */
function variantCases(words: Set<string>): { kind: string; text: string; target: string }[] {
  const base = '法轮功';
  const cases = [
    { kind: 'plain', text: `他练${base}吗`, target: base },
    { kind: 'traditional', text: '他練法輪功嗎', target: base },
    { kind: 'noise (spaces, symbols)', text: '法 * 轮 . 功', target: base },
    { kind: 'zero-width', text: '法\u200b轮\u200b功', target: base },
    { kind: 'emoji', text: '法😀轮😀功', target: base },
    { kind: 'repeats', text: '法法轮轮功', target: base },
    { kind: 'pinyin full', text: '学 falungong', target: base },
    { kind: 'pinyin initials', text: '他是flg的', target: base },
    { kind: 'homophone', text: '法伦功', target: base },
    { kind: 'split character', text: '氵去轮功', target: base },
  ];
  const digitWord = [...words].find((w) => /^\p{Script=Han}+[1-9]+\p{Script=Han}*$/u.test(w) && w.length >= 3);
  if (digitWord)
    cases.push({
      kind: 'digit forms',
      text: digitWord.replace(/[1-9]/g, (d) => String.fromCharCode(0x2460 + Number(d) - 1)),
      target: digitWord,
    });
  const latin = [...words].find((w) => /^[a-z]{4,}$/.test(w) && /[aeocp]/.test(w));
  if (latin) {
    cases.push({
      kind: 'homoglyph (Cyrillic)',
      text: ` ${latin.replace(/[aeocp]/g, (c) => ({ a: 'а', e: 'е', o: 'о', c: 'с', p: 'р' })[c]!)} `,
      target: latin,
    });
    cases.push({
      kind: 'full-width',
      text: ` ${[...latin].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')} `,
      target: latin,
    });
  }
  // Dictionary-suffix overlap: the text is a prefix P of a longer word L; a shorter word S ends P.
  for (const l of words) {
    if (l.length < 4 || !/^\p{Script=Han}+$/u.test(l)) continue;
    const p = l.slice(0, -1);
    if (words.has(p)) continue;
    const s = [p.slice(-2), p.slice(-3)].find((x) => x.length >= 2 && x !== p && words.has(x));
    if (s && ![...Array(p.length).keys()].some((i) => i > 0 && words.has(p.slice(i)) && p.slice(i) !== s)) {
      cases.push({ kind: `suffix of another match (${s} in ${p}…)`, text: p, target: s });
      break;
    }
  }
  return cases;
}

export async function run(): Promise<void> {
  const dictPath = data('lexicon/sensitive_word_dict.txt');
  const corpusPath = data('corpus/chinese-poetry-corpus.txt');
  if (!existsSync(dictPath) || !existsSync(corpusPath)) {
    console.log(`skipped: shared test data not found (${dictPath}); set HEGUI_TESTDATA to the testdata folder`);
    return;
  }
  const words = [
    ...new Set(
      (await readFile(dictPath, 'utf8'))
        .split('\n')
        .map((w) => w.trim())
        .filter(Boolean),
    ),
  ];
  const corpus = (await readFile(corpusPath, 'utf8')).slice(0, CORPUS_CHARS);
  // The same 100-character pieces for every engine, spread over the corpus. Each is copied into a string of its own,
  // as a request body arrives: a bare slice would be a view into the 3 M-character corpus, which V8 reads through an
  // extra indirection per character, a cost no service input has.
  const pieces: string[] = [];
  for (let i = 0; i < PIECES; i++) {
    const at = (i * 7919 * 100) % (corpus.length - 100);
    pieces.push(Buffer.from(corpus.slice(at, at + 100), 'utf16le').toString('utf16le'));
  }
  console.log(`dictionary ${words.length} words; corpus ${corpus.length} chars; ${PIECES} pieces of 100 chars`);
  console.log(`load average at start (1, 5, 15 min): ${load()} on ${availableParallelism()} cores`);

  const builds: { name: string; ms: number; bytes: number; engine: Engine; note?: string }[] = [];
  {
    const b = buildTimed(() => heguiLibrary(words, true));
    const bytes = serialiseLibrary(b.value);
    const t = performance.now();
    const loaded = loadLibrary(bytes);
    const loadMs = performance.now() - t;
    builds.push({
      name: 'hegui (all on)',
      ms: b.ms,
      bytes: b.bytes,
      engine: heguiEngine('hegui (all on)', loaded),
      note: `${b.value.header.counts.patterns} keys, ${b.value.header.counts.states} states; artifact ${(bytes.length / 1048576).toFixed(1)} MiB loads in ${loadMs.toFixed(1)} ms`,
    });
  }
  {
    const b = buildTimed(() => heguiLibrary(words, false));
    builds.push({
      name: 'hegui (raw)',
      ms: b.ms,
      bytes: b.bytes,
      engine: heguiEngine('hegui (raw)', b.value),
      note: 'no normalisation, no variants',
    });
  }
  {
    const b = buildTimed(() => new AhoCorasick(words));
    const ac = b.value;
    builds.push({
      name: '@monyone/aho-corasick/fast',
      ms: b.ms,
      bytes: b.bytes,
      engine: {
        name: 'monyone',
        finds: (t, target) => ac.matchInText(t).some((m) => m.keyword === target),
        scanAll: (t) => ac.matchInText(t).length,
      },
    });
  }
  {
    const b = buildTimed(() => new Mint(words));
    const m = b.value;
    builds.push({
      name: 'mint-filter',
      ms: b.ms,
      bytes: b.bytes,
      engine: {
        name: 'mint',
        finds: (t, target) => m.filter(t, { replace: false }).words.includes(target),
        scanAll: (t) => m.filter(t, { replace: false }).words.length,
      },
    });
  }
  {
    const b = buildTimed(() => {
      const s = new SensitiveWordTool({ useDefaultWords: false });
      s.addWords(words);
      return s;
    });
    const s = b.value;
    builds.push({
      name: 'sensitive-word-tool',
      ms: b.ms,
      bytes: b.bytes,
      engine: { name: 'swt', finds: (t, target) => s.match(t).includes(target), scanAll: (t) => s.match(t).length },
    });
  }
  const loop = (t: string) => {
    let x = 0;
    for (let i = 0; i < t.length; i++) x = (x + t.charCodeAt(i)) | 0;
    return x;
  };
  builds.push({
    name: 'charCodeAt loop (ceiling)',
    ms: 0,
    bytes: 0,
    engine: { name: 'loop', finds: () => false, scanAll: loop },
  });

  // Interleaved rounds: every engine is timed once per round, so a busy machine slows all of them alike. The same loop
  // for every engine; a warm-up pass first, so each is timed in its steady state. Checks are also timed in CPU time
  // (this process's user + system): on a shared machine wall time includes waiting for a core.
  const wholeMs = builds.map(() => [] as number[]);
  const checkMs = builds.map(() => [] as number[]);
  const checkCpuMs = builds.map(() => [] as number[]);
  for (const b of builds) {
    b.engine.scanAll(corpus);
    for (let pass = 0; pass < PIECE_PASSES; pass++) for (const p of pieces) b.engine.scanAll(p);
  }
  for (let round = 0; round < ROUNDS; round++) {
    builds.forEach((b, k) => {
      let t = performance.now();
      b.engine.scanAll(corpus);
      wholeMs[k]!.push(performance.now() - t);
      const cpu = process.cpuUsage();
      t = performance.now();
      for (let pass = 0; pass < PIECE_PASSES; pass++) for (const p of pieces) b.engine.scanAll(p);
      checkMs[k]!.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      checkCpuMs[k]!.push((used.user + used.system) / 1000);
    });
  }
  const checks = PIECES * PIECE_PASSES;
  const rows = builds.map((b, k) => ({
    ...b,
    charsPerS: corpus.length / (median(wholeMs[k]!) / 1000),
    checksPerS: checks / (median(checkMs[k]!) / 1000),
    checksPerCpuS: checks / (median(checkCpuMs[k]!) / 1000),
    hits: b.engine.scanAll(corpus),
  }));
  const mk = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : `${(x / 1e3).toFixed(0)} k`);
  const table = rows.map((r) => [
    r.name,
    mk(r.charsPerS),
    mk(r.checksPerS),
    mk(r.checksPerCpuS),
    r.ms ? `${r.ms.toFixed(0)} ms` : '-',
    r.bytes ? `${(r.bytes / 1048576).toFixed(0)} MiB` : '-',
    String(r.hits),
    r.note ?? '',
  ]);
  printRows(['engine', 'chars/s', '100-char checks/s', '(per CPU s)', 'build', 'memory', 'matches', 'note'], table);

  const at = (name: string) => rows.find((r) => r.name === name)!;
  const hegui = at('hegui (all on)');
  const ratios = (peer: (typeof rows)[number], digits: number) =>
    `${(hegui.charsPerS / peer.charsPerS).toFixed(digits)}x chars/s, ` +
    `${(hegui.checksPerS / peer.checksPerS).toFixed(digits)}x checks/s ` +
    `(${(hegui.checksPerCpuS / peer.checksPerCpuS).toFixed(digits)}x per CPU s)`;
  console.log(
    `\nratios, hegui (all on) vs: raw AC peer ${ratios(at('@monyone/aho-corasick/fast'), 2)}; ` +
      `mint-filter ${ratios(at('mint-filter'), 1)}; ` +
      `hegui (raw) ${(at('hegui (raw)').charsPerS / at('@monyone/aho-corasick/fast').charsPerS).toFixed(2)}x the raw AC peer`,
  );
  console.log(`medians of ${ROUNDS} interleaved rounds; load average at end: ${load()}`);
  for (const b of builds.slice(0, 2)) scanOnly(b.name, corpus, libs.get(b.engine));

  const cases = variantCases(new Set(words));
  const engines = rows.filter((r) => r.name !== 'charCodeAt loop (ceiling)');
  console.log('\ncorrectness matrix (✓ = the engine reports the dictionary word):');
  // content-safety.md §3's own case, on a two-word dictionary built for every engine.
  const two = ['中国人民', '国人'];
  const small: ((t: string) => boolean)[] = [
    (t) => reviewText(t, heguiLibrary(two, true)).hits.some((h) => h.kind === 'text' && h.pattern === '国人'),
    (t) => reviewText(t, heguiLibrary(two, false)).hits.some((h) => h.kind === 'text' && h.pattern === '国人'),
    (t) => new AhoCorasick(two).matchInText(t).some((m) => m.keyword === '国人'),
    (t) => new Mint(two).filter(t, { replace: false }).words.includes('国人'),
    (t) => {
      const x = new SensitiveWordTool({ useDefaultWords: false });
      x.addWords(two);
      return x.match(t).includes('国人');
    },
  ];
  printRows(
    ['variant', ...engines.map((e) => e.name)],
    [
      ...cases.map((c) => [c.kind, ...engines.map((e) => (e.engine.finds(c.text, c.target) ? '✓' : '✗'))]),
      ['{中国人民, 国人} in 我是中国人 → 国人', ...small.map((f) => (f('我是中国人') ? '✓' : '✗'))],
    ],
  );
}

function scanOnly(name: string, corpus: string, lib: CompiledLibrary | undefined): void {
  if (!lib) return;
  const ms = timeMs(5, () => {
    const sink = new MatchSink();
    scan(lib, corpus, 0, corpus.length, newScanState(lib), sink);
    return sink.n;
  });
  console.log(
    `${name}, fused scan alone (no hit objects or filters): ${(((corpus.length / ms) * 1000) / 1e6).toFixed(1)} M chars/s`,
  );
}

function printRows(header: string[], rows: string[][]): void {
  const w = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const show = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(w[i]! - width(c))).join('  ');
  console.log(show(header));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows) console.log(show(r));
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let n = 0;
  for (const c of s)
    n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c)
      ? 2
      : 1;
  return n;
}
