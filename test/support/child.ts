import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const TSX = fileURLToPath(import.meta.resolve('tsx'));

/**
 * A TypeScript program run as a child process that talks in lines: the tests that need more than one process
 * (concurrent migrations on one SQLite file, writers killed with SIGKILL).
 */
export class LineChild {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  readonly #proc: ChildProcess;
  #waiters: (() => void)[] = [];
  #stderr = '';

  constructor(script: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.#proc = spawn(process.execPath, ['--import', TSX, script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#proc.stdin!.on('error', () => {});
    this.#proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.#stderr += d));
    createInterface({ input: this.#proc.stdout! }).on('line', (l) => {
      this.lines.push(l);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) =>
      this.#proc.on('close', (code, signal) => {
        for (const w of this.#waiters.splice(0)) w();
        resolve({ code, signal, stderr: this.#stderr });
      }),
    );
  }

  get pid(): number {
    return this.#proc.pid!;
  }

  get stderr(): string {
    return this.#stderr;
  }

  send(line: string): void {
    this.#proc.stdin!.write(`${line}\n`);
  }

  /** Wait until `pred` holds for the lines so far (or the child exits: then throw with its stderr). */
  async waitFor(pred: (lines: string[]) => boolean, what = 'a line'): Promise<void> {
    for (;;) {
      if (pred(this.lines)) return;
      if (this.#proc.exitCode !== null || this.#proc.signalCode !== null) {
        throw new Error(`child exited before ${what}: ${this.#stderr.slice(-2000)}`);
      }
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.#proc.kill(signal);
  }
}

export const childScript = (rel: string, base: string): string => fileURLToPath(new URL(rel, base));
