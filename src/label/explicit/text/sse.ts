import { createStreamLabeller, type StreamLabeller, type StreamLabelOptions } from './stream.ts';

/**
 * The explicit label in an OpenAI-style chat-completion stream (`text/event-stream` of `data: {json}` events, ended
 * by `data: [DONE]`). The text of each choice (`choices[i].delta.content`) goes through its own
 * {@link createStreamLabeller}; an event whose content changes is written again as one `data:` line of compact JSON.
 * Every other event — role chunks, tool calls, usage, comments, `[DONE]`, anything that is not JSON — and every
 * content event the labeller leaves as it is, are passed through byte for byte. Text the labeller emits at the end
 * (held-back characters, a label at the end) goes out in an extra content event, modelled on the stream's last
 * chunk, just before the choice's `finish_reason` chunk, `[DONE]`, or the end of the stream.
 */
export interface SseLabeller {
  /** Bytes or text as received; returns the text to forward now. */
  push(chunk: string | Uint8Array): string;
  /** The end of the upstream stream: returns what is left to forward. */
  end(): string;
}

interface Choice {
  index?: unknown;
  delta?: { content?: unknown } | null;
  finish_reason?: unknown;
  logprobs?: unknown;
}
type Chunk = Record<string, unknown> & { choices?: unknown };

interface ParsedEvent {
  raw: string;
  lines: string[];
  eol: string;
}

/** A `content` string or a `finish_reason` string somewhere in the event's JSON. */
const MAY_MATTER = /"(?:content|finish_reason)"\s*:\s*"/;

const dataOf = (line: string): string | undefined => {
  if (!line.startsWith('data')) return undefined;
  if (line.length === 4) return '';
  if (line[4] !== ':') return undefined;
  return line[5] === ' ' ? line.slice(6) : line.slice(5);
};

class ChatStreamLabeller implements SseLabeller {
  private readonly decoder = new TextDecoder();
  private buf = '';
  /** Scan state of the event being received: where it starts in `buf`, where its next line starts, its lines. */
  private start = 0;
  private pos = 0;
  private lines: string[] = [];
  private readonly labellers = new Map<number, StreamLabeller>();
  private readonly finished = new Set<number>();
  private template: Chunk | null = null;
  /** The last chunk's JSON when it was not parsed; parsed only if an extra event is needed. */
  private templateText: string | null = null;

  constructor(private readonly options: StreamLabelOptions) {}

  push(chunk: string | Uint8Array): string {
    this.buf += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let out = '';
    for (let ev = this.nextEvent(); ev; ev = this.nextEvent()) out += this.handle(ev);
    // Drop what was handled, once per chunk rather than once per event.
    this.buf = this.buf.slice(this.start);
    this.pos -= this.start;
    this.start = 0;
    return out;
  }

  end(): string {
    this.buf += this.decoder.decode();
    let out = '';
    for (let ev = this.nextEvent(true); ev; ev = this.nextEvent(true)) out += this.handle(ev);
    out += this.flushAll();
    // An unterminated last event is forwarded as it came.
    out += this.buf.slice(this.start);
    this.buf = '';
    this.start = 0;
    this.pos = 0;
    this.lines = [];
    return out;
  }

  /** The next complete event (ended by an empty line; CRLF, LF or CR line endings), or null. */
  private nextEvent(final = false): ParsedEvent | null {
    const b = this.buf;
    while (this.pos < b.length) {
      let k = this.pos;
      while (k < b.length && b[k] !== '\n' && b[k] !== '\r') k++;
      if (k === b.length) return null;
      // A CR at the end of what arrived may be the first half of a CRLF.
      if (b[k] === '\r' && k + 1 === b.length && !final) return null;
      const eolLen = b[k] === '\r' && b[k + 1] === '\n' ? 2 : 1;
      const line = b.slice(this.pos, k);
      const eol = b.slice(k, k + eolLen);
      this.pos = k + eolLen;
      if (line !== '') {
        this.lines.push(line);
        continue;
      }
      const ev = { raw: b.slice(this.start, this.pos), lines: this.lines, eol };
      this.start = this.pos;
      this.lines = [];
      return ev;
    }
    return null;
  }

  private handle(ev: ParsedEvent): string {
    const data = ev.lines.map(dataOf).filter((d) => d !== undefined);
    const named = ev.lines.some((l) => l.startsWith('event:') && l.slice(6).trim() !== 'message');
    if (data.length === 0 || named) return ev.raw;
    const payload = data.join('\n');
    if (payload.trim() === '[DONE]') return this.flushAll() + ev.raw;
    // Only events with text or a finish reason need parsing; the rest (most tool-call and usage events) pass as is.
    if (!MAY_MATTER.test(payload)) {
      if (payload.includes('"choices"')) this.templateText = payload;
      return ev.raw;
    }
    let obj: Chunk;
    try {
      obj = JSON.parse(payload) as Chunk;
    } catch {
      return ev.raw;
    }
    if (!obj || typeof obj !== 'object' || !Array.isArray(obj.choices)) return ev.raw;
    let before = '';
    let changed = false;
    for (const [i, c] of (obj.choices as Choice[]).entries()) {
      if (!c || typeof c !== 'object') continue;
      const index = typeof c.index === 'number' ? c.index : i;
      const delta = c.delta && typeof c.delta === 'object' ? c.delta : undefined;
      const hasText = typeof delta?.content === 'string';
      let text = hasText
        ? this.labeller(index)
            .push(delta!.content as string)
            .join('')
        : '';
      if (c.finish_reason !== null && c.finish_reason !== undefined) {
        const rest = this.finish(index);
        if (hasText) text += rest;
        else if (rest) before += this.extraEvent(obj, index, rest, ev.eol);
      }
      if (hasText && text !== delta!.content) {
        delta!.content = text;
        changed = true;
      }
    }
    this.template = obj;
    this.templateText = null;
    if (!changed) return before + ev.raw;
    return before + this.rewrite(ev, obj);
  }

  private labeller(index: number): StreamLabeller {
    let l = this.labellers.get(index);
    if (!l) {
      l = createStreamLabeller(this.options);
      this.labellers.set(index, l);
    }
    return l;
  }

  private finish(index: number): string {
    if (this.finished.has(index)) return '';
    this.finished.add(index);
    return this.labellers.get(index)?.end().join('') ?? '';
  }

  private flushAll(): string {
    let out = '';
    for (const index of this.labellers.keys()) {
      const rest = this.finish(index);
      const like = this.lastChunk();
      if (rest && like) out += this.extraEvent(like, index, rest, '\n');
    }
    return out;
  }

  private lastChunk(): Chunk | null {
    if (this.templateText !== null) {
      try {
        this.template = JSON.parse(this.templateText) as Chunk;
      } catch {
        // Keep the last chunk that parsed.
      }
      this.templateText = null;
    }
    return this.template;
  }

  /** A content event for `index` carrying `text`, with the id, model and timestamps of `like`. */
  private extraEvent(like: Chunk, index: number, text: string, eol: string): string {
    const { choices, usage: _usage, ...top } = like;
    const model = Array.isArray(choices) ? (choices as Choice[]).find((c) => c?.index === index) : undefined;
    const choice: Record<string, unknown> = { index, delta: { content: text } };
    if (model && 'logprobs' in model) choice['logprobs'] = null;
    choice['finish_reason'] = null;
    return `data: ${JSON.stringify({ ...top, choices: [choice] })}${eol}${eol}`;
  }

  /** The event with its data lines replaced by one line of the new JSON; other fields kept in place. */
  private rewrite(ev: ParsedEvent, obj: Chunk): string {
    const out: string[] = [];
    let written = false;
    for (const line of ev.lines) {
      if (dataOf(line) === undefined) out.push(line);
      else if (!written) {
        out.push(`data: ${JSON.stringify(obj)}`);
        written = true;
      }
    }
    return out.map((l) => l + ev.eol).join('') + ev.eol;
  }
}

/** A labeller for an OpenAI-style chat-completion event stream (what a compliance gateway forwards). */
export function createSseLabeller(options: StreamLabelOptions = {}): SseLabeller {
  // Validate the options now rather than at the first content event.
  createStreamLabeller(options);
  return new ChatStreamLabeller(options);
}
