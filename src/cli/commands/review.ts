/**
 * `hegui review`: review a text (argument, --file, or standard input) against a feature library and print the decision
 * with every hit as its explanation.
 *
 * Exit codes (documented in --help): 0 pass, 1 review, 3 block, 2 usage or error (unreadable library or file,
 * or an image no codec can decode). Errors are handled here so that 1 always means "review".
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { HeguiError, isHeguiError } from '../../errors.ts';
import { detectFormat } from '../../label/label-file.ts';
import type { CompiledLibrary } from '../../review/compiled/compiled-library.ts';
import type { ReviewDecision, ReviewResult } from '../../review/decision.ts';
import { reviewImageWith } from '../../review/image-stage.ts';
import { openCompiledLibrary } from '../../review/open.ts';
import { reviewText } from '../../review/review.ts';
import type { Output } from '../output.ts';

export const REVIEW_EXIT: Readonly<Record<ReviewDecision, number>> = { pass: 0, review: 1, block: 3 };
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

type SetExit = (code: number) => void;

export function registerReviewCommand(program: Command, io: Output, setExit: SetExit): void {
  program
    .command('review')
    .description('review text or an image against a feature library: decision and the hits that caused it')
    .argument('[text]', 'the text to review (or use --file, or pipe it on standard input)')
    .requiredOption('--library <lib>', 'compiled artifact (.hgl) or library file/folder (compiled on the fly)')
    .option('--file <file>', 'review a UTF-8 text file, or an image (PDQ and SHA-256 entries of the library)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 pass, 1 review, 3 block, 2 usage or error.\nSpans are UTF-16 code unit offsets into the original text, end exclusive.',
    )
    .action(async (text: string | undefined, o: { library: string; file?: string; json?: boolean }) => {
      try {
        setExit(await reviewCommand(text, o, io));
      } catch (e) {
        if (!isHeguiError(e)) throw e;
        process.stderr.write(`hegui: ${e.message}\n`);
        setExit(2);
      }
    });
}

/** Images are recognised by the label codecs' magic-byte sniffing (the same one every command uses). */
async function isImage(path: string): Promise<boolean> {
  try {
    return (await detectFormat(path))?.kind === 'image';
  } catch (e) {
    if (isHeguiError(e) && e.code === 'io') throw new HeguiError('usage', `cannot read ${path}`);
    throw e;
  }
}

async function readTextFile(path: string): Promise<string> {
  const bytes = await readFile(path);
  if (bytes.length > MAX_TEXT_BYTES)
    throw new HeguiError('oversize', `${path} is ${bytes.length} bytes, over the limit of ${MAX_TEXT_BYTES}`, {
      size: bytes.length,
    });
  if (bytes.includes(0)) throw new HeguiError('format_unsupported', `${path} is not a text file`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HeguiError('format_unsupported', `${path} is not UTF-8 text`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function reviewCommand(
  arg: string | undefined,
  o: { library: string; file?: string; json?: boolean },
  io: Output,
): Promise<number> {
  if (arg !== undefined && o.file) throw new HeguiError('usage', 'give the text or --file, not both');
  let text: string;
  if (o.file && (await isImage(o.file))) {
    const lib = await openCompiledLibrary(o.library);
    const result = await reviewImageWith(o.file, lib);
    print(result, lib, io, o.json === true);
    return REVIEW_EXIT[result.decision];
  }
  if (o.file) text = await readTextFile(o.file);
  else text = arg ?? (process.stdin.isTTY ? '' : await readStdin());
  const lib = await openCompiledLibrary(o.library);
  const result = reviewText(text, lib);
  print(result, lib, io, o.json === true);
  return REVIEW_EXIT[result.decision];
}

function print(r: ReviewResult, lib: CompiledLibrary, io: Output, json: boolean): void {
  const library = {
    name: lib.header.library.name,
    version: lib.header.library.version,
    contentHash: lib.header.library.contentHash,
  };
  if (json) {
    io.json({ ...r, library });
    return;
  }
  io.out(`decision: ${r.decision}`);
  for (const h of r.hits) {
    if (h.kind === 'image') {
      const how = h.method === 'pdq' ? `PDQ distance ${h.distance}, quality ${h.quality}` : 'SHA-256 exact';
      io.out(
        `  ${h.action.padEnd(6)} ${h.riskCode.padEnd(6)} severity ${h.severity}  image match (${how})  entry ${h.entryId}`,
      );
      continue;
    }
    const via = h.variant.kind === 'term' ? '' : ` via ${h.variant.kind} "${h.variant.form}"`;
    io.out(
      `  ${h.action.padEnd(6)} ${h.riskCode.padEnd(6)} severity ${h.severity}  [${h.span.start},${h.span.end}) ${JSON.stringify(h.matchedText)}  entry ${h.entryId} "${h.pattern}"${via}`,
    );
  }
  if (r.suppressed.length) io.out(`  (${r.suppressed.length} match(es) set aside by the allow-list or boundary rules)`);
  if (!r.complete)
    io.out(`  regex stage cut short by its time budget (${r.incomplete?.entriesSkipped} entries not run)`);
  io.out(`library ${library.name} version ${library.version} (${library.contentHash.slice(0, 12)})`);
}
