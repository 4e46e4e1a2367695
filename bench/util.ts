import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('../.bench/', import.meta.url));

export async function benchDir(sub: string): Promise<string> {
  const d = `${BENCH_DIR}${sub}`;
  await mkdir(d, { recursive: true });
  return d;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Run `fn` `runs` times after one warm-up; return the median wall time in milliseconds. */
export async function timeIt(runs: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  await fn(-1);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

export interface Row {
  case: string;
  hegui: number;
  peers: Record<string, number | string>;
  note?: string;
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`);

export function printTable(rows: Row[]): void {
  const peerNames = [...new Set(rows.flatMap((r) => Object.keys(r.peers)))];
  const header = ['case', 'hegui', ...peerNames.flatMap((p) => [p, `${p}/hegui`]), 'note'];
  const lines = rows.map((r) => [
    r.case,
    fmt(r.hegui),
    ...peerNames.flatMap((p) => {
      const v = r.peers[p];
      if (v === undefined) return ['-', '-'];
      if (typeof v === 'string') return [v, '-'];
      return [fmt(v), `${(v / r.hegui).toFixed(1)}x`];
    }),
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const show = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
}

/**
 * The project, its tests and benches compiled by `tsc` with the project's own settings into .bench/js, as `npm run
 * build` compiles what `hegui serve` runs: a bench that measures a server runs this output rather than code
 * transpiled on the fly. Returns the folder that mirrors the project root.
 */
export async function compiledProject(): Promise<string> {
  const out = `${BENCH_DIR}js`;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const args = ['-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', out, '--rootDir', '.'];
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [tsc, ...args, '--declaration', 'false', '--sourceMap', 'false'],
      { cwd: root },
      (e, so) => (e ? reject(new Error(`compiling the project failed:\n${so}`)) : resolve()),
    );
  });
  return out;
}
