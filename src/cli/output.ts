/** Where a command prints: results on stdout, diagnostics on stderr. */
export interface Output {
  interactive: boolean;
  out(line: string): void;
  warn(line: string): void;
  json(value: unknown): void;
}

export const consoleOutput: Output = {
  interactive: process.stderr.isTTY === true && !process.env['CI'],
  out: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`warning: ${line}\n`),
  json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
};
