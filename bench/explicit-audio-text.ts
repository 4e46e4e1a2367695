/**
 * `npm run bench -- explicit-text`: the cost of the text explicit label where it matters, in a model's token stream.
 * The streaming labeller (and the chat-completion event stream labeller) against a plain passthrough of the same
 * tokens, and labelText on a 100 KB Markdown document against an insertion that ignores the document's structure.
 */
import { createSseLabeller, createStreamLabeller, labelText, type TextLabelMode } from '../src/index.ts';
import { printTable, type Row, timeIt } from './util.ts';

/** About 100 KB of the Markdown a chat model writes: paragraphs, headings, lists, tables and fenced code. */
function markdownDocument(bytes: number): string {
  const parts: string[] = ['---\ntitle: Benchmark\n---\n'];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const block = [
      `## Section ${i}\n`,
      `This paragraph ${i} explains the idea in plain words, with **bold**, \`inline code\` and a [link](https://example.com/${i}).\n它也包含中文，说明生成内容的用途与限制。\n`,
      `- point one of ${i}\n- point two\n  continued\n- point three\n`,
      `\`\`\`ts\nexport function f${i}(x: number): number {\n\n  return x * ${i};\n}\n\`\`\`\n`,
      `| key | value |\n|-----|-------|\n| a${i} | ${i * 2} |\n`,
      `> A quoted remark about ${i}.\n`,
    ][i % 6]!;
    parts.push(block, '\n');
    n += Buffer.byteLength(block) + 1;
  }
  return parts.join('');
}

/** Tokens of 1–6 characters, as a model's tokenizer roughly cuts text (words, pieces of words, white space). */
function tokens(text: string): string[] {
  return text.match(/\s+|[A-Za-z]{1,5}|[\u4e00-\u9fff]{1,2}|./gsu) ?? [];
}

const ms = (ns: number): number => ns / 1e6;

function streamTime(
  toks: string[],
  make: () => (t: string) => unknown,
  end: (f: unknown) => void,
  runs: number,
): number {
  const times: number[] = [];
  for (let r = -1; r < runs; r++) {
    const f = make();
    const t0 = process.hrtime.bigint();
    for (const t of toks) f(t);
    end(f);
    const dt = Number(process.hrtime.bigint() - t0);
    if (r >= 0) times.push(dt);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

export async function run(): Promise<void> {
  const doc = markdownDocument(100 * 1024);
  const toks = tokens(doc);
  console.log(`document: ${Buffer.byteLength(doc)} bytes, ${toks.length} tokens`);

  // Passthrough: what a gateway does without a label (hand each token on).
  const passthrough = streamTime(
    toks,
    () => {
      const out: string[] = [];
      return (t: string) => out.push(t);
    },
    () => {},
    15,
  );
  const lines: string[] = [];
  const rows: Row[] = [];
  for (const mode of ['prefix', 'middle', 'suffix', 'corner'] as TextLabelMode[]) {
    let labeller = createStreamLabeller({ mode, format: 'markdown' });
    const t = streamTime(
      toks,
      () => {
        labeller = createStreamLabeller({ mode, format: 'markdown' });
        const out: string[] = [];
        return (x: string) => out.push(...labeller.push(x));
      },
      () => labeller.end(),
      15,
    );
    rows.push({ case: `stream ${mode}, ${toks.length} tokens`, hegui: ms(t), peers: { passthrough: ms(passthrough) } });
    lines.push(
      `stream ${mode.padEnd(6)}: ${(((toks.length / t) * 1e9) / 1e6).toFixed(2)} M tokens/s, ` +
        `added ${((t - passthrough) / toks.length).toFixed(0)} ns per token, ${(t / passthrough).toFixed(1)}x passthrough`,
    );
  }

  // The gateway's path: an OpenAI-style event stream, one event per token, in network chunks of 4 KB.
  const events = toks
    .map(
      (t) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })}\n\n`,
    )
    .join('');
  const sse = Buffer.from(`${events}data: [DONE]\n\n`);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < sse.length; i += 4096) chunks.push(sse.subarray(i, i + 4096));
  const decoder = () => new TextDecoder();
  const ssePass = await timeIt(9, async () => {
    const d = decoder();
    let n = 0;
    for (const c of chunks) n += d.decode(c, { stream: true }).split('\n\n').length;
    return n;
  });
  // What any gateway that reads the generated text does anyway: split the events and parse their JSON.
  const sseParse = await timeIt(9, async () => {
    const d = decoder();
    let rest = '';
    let n = 0;
    for (const c of chunks) {
      const parts = (rest + d.decode(c, { stream: true })).split('\n\n');
      rest = parts.pop()!;
      for (const e of parts) if (e.startsWith('data: {')) n += JSON.parse(e.slice(6)).choices.length;
    }
    return n;
  });
  for (const mode of ['prefix', 'suffix'] as TextLabelMode[]) {
    const t = await timeIt(9, async () => {
      const l = createSseLabeller({ mode });
      let n = 0;
      for (const c of chunks) n += l.push(c).length;
      return n + l.end().length;
    });
    rows.push({
      case: `event stream ${mode}, ${(sse.length / 1024).toFixed(0)} KB`,
      hegui: t,
      peers: { 'split only': ssePass, 'split+parse': sseParse },
    });
    const perEvent = (x: number) => ((x * 1e6) / toks.length).toFixed(0);
    lines.push(
      `events ${mode.padEnd(6)}: ${(toks.length / t / 1e3).toFixed(2)} M events/s, ${perEvent(t)} ns per event ` +
        `(split+parse ${perEvent(sseParse)} ns, split only ${perEvent(ssePass)} ns): ` +
        `${(t / sseParse).toFixed(1)}x split+parse, ${(t / ssePass).toFixed(1)}x split only`,
    );
  }

  // Whole document: the structure-aware placement against a blind insertion at the first blank line.
  const blind = (s: string) => {
    const i = s.indexOf('\n\n');
    return `${s.slice(0, i + 2)}本内容由人工智能生成\n\n${s.slice(i + 2)}`;
  };
  const tBlind = await timeIt(25, async () => blind(doc));
  const whole: [string, number][] = [];
  for (const mode of ['middle', 'suffix'] as TextLabelMode[]) {
    whole.push([
      `labelText ${mode}`,
      await timeIt(25, async () => labelText(doc, { mode, format: 'markdown', idempotent: false })),
    ]);
  }
  whole.push([
    'labelText suffix, format detected + idempotence check',
    await timeIt(25, async () => labelText(doc, { mode: 'suffix' })),
  ]);
  for (const [name, t] of whole) {
    lines.push(
      `${name}, 100 KB Markdown: ${(t * 1000).toFixed(0)} µs, ${(doc.length / t / 1000).toFixed(0)} M chars/s ` +
        `(blind insertion at the first blank line: ${(tBlind * 1000).toFixed(1)} µs, ${(t / tBlind).toFixed(0)}x)`,
    );
  }

  printTable(rows);
  console.log('');
  for (const l of lines) console.log(l);
}
