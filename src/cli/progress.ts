/**
 * Progress on stderr: a redrawn bar on a terminal, nothing in between on a pipe or under CI (the per-file lines and
 * the summary are the record there).
 */
export interface Progress {
  tick(label: string): void;
  /** Print a line above the bar (or plainly when there is no bar). */
  line(text: string): void;
  done(): void;
}

export function createProgress(
  total: number,
  opts: { enabled: boolean; stream?: NodeJS.WriteStream } = { enabled: true },
): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.enabled && stream.isTTY === true && !process.env['CI'];
  let done = 0;
  let last = 0;
  const started = Date.now();
  const clear = () => tty && stream.write('\r\x1b[2K');
  const draw = (label: string) => {
    if (!tty) return;
    const now = Date.now();
    if (done !== total && now - last < 50) return;
    last = now;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 60));
    const filled = total ? Math.round((done / total) * width) : width;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const name = label.length > 30 ? `…${label.slice(-29)}` : label;
    clear();
    stream.write(
      `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${rate.toFixed(1)}/s eta ${eta}s ${name}`,
    );
  };
  return {
    tick(label) {
      done++;
      draw(label);
    },
    line(text) {
      clear();
      stream.write(`${text}\n`);
      draw('');
    },
    done() {
      clear();
    },
  };
}
