/**
 * PDQ's downsampling: a tent filter built from box filters (W. Jarosz, "Fast Image Convolutions", SIGGRAPH 2001),
 * then point sampling at the centres of a 64×64 grid.
 *
 * The arithmetic follows the reference implementation step by step in single precision (every running sum and quotient
 * is rounded to float32), so that pixels on the edge of the median threshold land on the same side as in Meta's tools.
 */
const f32 = Math.fround;

/** Window per pass: half of one output cell, rounded up ("two passes, so half the window size per pass"). */
export function jaroszWindowSize(oldDimension: number, newDimension: number): number {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

/**
 * Box filter along each row, in place from `src` into `dst`. Output i averages the input over
 * [i − (w − h), i + h − 1] clipped to the row, with h = ⌊(w + 2) / 2⌋; the window grows at the start and shrinks at
 * the end exactly as in the reference's four phases.
 */
export function boxAlongRows(src: Float32Array, dst: Float32Array, rows: number, cols: number, window: number): void {
  const half = (window + 2) >> 1;
  const p1 = half - 1;
  const p2 = window - half + 1;
  const p3 = cols - window;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let sum = 0;
    let n = 0;
    let li = base;
    let ri = base;
    let oi = base;
    for (let i = 0; i < p1; i++) {
      sum = f32(sum + src[ri++]!);
      n++;
    }
    for (let i = 0; i < p2; i++) {
      sum = f32(sum + src[ri++]!);
      n++;
      dst[oi++] = sum / n;
    }
    for (let i = 0; i < p3; i++) {
      sum = f32(sum + src[ri++]!);
      sum = f32(sum - src[li++]!);
      dst[oi++] = sum / n;
    }
    for (let i = 0; i < p1; i++) {
      sum = f32(sum - src[li++]!);
      n--;
      dst[oi++] = sum / n;
    }
  }
}

/**
 * The same filter down each column. Columns are swept together, row by row, with one running sum per column: the
 * additions per column happen in the same order as a column-at-a-time pass, but memory is read sequentially.
 */
export function boxAlongCols(src: Float32Array, dst: Float32Array, rows: number, cols: number, window: number): void {
  const half = (window + 2) >> 1;
  const p1 = half - 1;
  const p2 = window - half + 1;
  const p3 = rows - window;
  const sums = new Float32Array(cols); // float32 storage rounds every running sum like the reference
  let ri = 0; // next input row to add
  let li = 0; // next input row to subtract
  let oi = 0; // next output row
  let n = 0;
  const add = () => {
    const b = ri++ * cols;
    for (let j = 0; j < cols; j++) sums[j] = sums[j]! + src[b + j]!;
  };
  const sub = () => {
    const b = li++ * cols;
    for (let j = 0; j < cols; j++) sums[j] = sums[j]! - src[b + j]!;
  };
  const write = () => {
    const b = oi++ * cols;
    for (let j = 0; j < cols; j++) dst[b + j] = sums[j]! / n;
  };
  for (let i = 0; i < p1; i++) {
    add();
    n++;
  }
  for (let i = 0; i < p2; i++) {
    add();
    n++;
    write();
  }
  for (let i = 0; i < p3; i++) {
    add();
    sub();
    write();
  }
  for (let i = 0; i < p1; i++) {
    sub();
    n--;
    write();
  }
}

/** Two X,Y pairs of box passes (a tent filter); the result is left in `buf1`, `buf2` is scratch. */
export function jaroszFilter(buf1: Float32Array, buf2: Float32Array, rows: number, cols: number, passes = 2): void {
  const wRows = jaroszWindowSize(cols, 64);
  const wCols = jaroszWindowSize(rows, 64);
  for (let p = 0; p < passes; p++) {
    boxAlongRows(buf1, buf2, rows, cols, wRows);
    boxAlongCols(buf2, buf1, rows, cols, wCols);
  }
}

/** Sample the filtered image at the centres (not corners) of a 64×64 grid. */
export function decimateTo64(src: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let i = 0; i < 64; i++) {
    const si = Math.trunc(((i + 0.5) * rows) / 64);
    for (let j = 0; j < 64; j++) {
      const sj = Math.trunc(((j + 0.5) * cols) / 64);
      out[i * 64 + j] = src[si * cols + sj]!;
    }
  }
}
