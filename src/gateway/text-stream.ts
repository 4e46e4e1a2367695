/**
 * A streamed text completion (chat `delta.content` or legacy `text`), event by event: each choice's text goes through
 * the stream reviewer (which holds back only the engine's window: text that may still be part of a match) and then
 * the stream labeller (the explicit label, exactly once). A block ends the stream at once with a final chunk whose
 * finish_reason is `content_filter`; an upstream that stops early ends it with an error event; a client that goes
 * away aborts the upstream request. Upstream chunks are read one at a time and the next is not read until the client
 * has taken the last write (backpressure through `drain`).
 */
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { FastifyReply } from 'fastify';
import { createStreamLabeller, type StreamLabeller } from '../label/explicit/text/stream.ts';
import type { ReviewDecision, ReviewHit } from '../review/decision.ts';
import { stricter } from '../review/decision.ts';
import { MAX_LISTED_HITS } from '../review/review.ts';
import { createStreamReviewer, type StreamReviewer } from '../review/stream.ts';
import { PUBLISHING_STOPPED_MESSAGE } from './access.ts';
import { TEXT_LABEL } from './label-policy.ts';
import { OUTPUT_BLOCKED_MESSAGE } from './openai-error.ts';
import type { Admission, GatewayPipeline } from './pipeline.ts';
import type { UpstreamCall } from './upstream-call.ts';

/** How often a stream asks whether an emergency stop now covers it (the switch answers from a cache). */
const STOP_CHECK_MS = 200;
/**
 * The longest server-sent event taken from the upstream, in UTF-16 code units (1 Mi): a chunk of a completion is well
 * under a kilobyte, and one with log-probabilities or a tool call's arguments a few; the limit bounds what a broken or
 * hostile upstream makes the gateway hold for one stream.
 */
const MAX_EVENT_CHARS = 1024 * 1024;

type Chunk = Record<string, unknown> & { choices?: unknown };
interface ChoiceState {
  reviewer: StreamReviewer;
  labeller: StreamLabeller;
  /** The text delivered so far, hashed as it goes (for the record) rather than kept. */
  delivered: TextHash;
  finished: boolean;
}
type ChoiceJson = Record<string, unknown> & {
  index?: unknown;
  delta?: Record<string, unknown> | null;
  text?: unknown;
  finish_reason?: unknown;
};

export interface TextStreamOptions {
  kind: 'chat' | 'completion';
  publicModel: string;
  upstream: string;
}

export function streamText(
  reply: FastifyReply,
  call: UpstreamCall,
  adm: Admission,
  pipeline: GatewayPipeline,
  o: TextStreamOptions,
): Promise<void> {
  return new TextStream(reply, call, adm, pipeline, o).run();
}

/**
 * One stream's state as fields of one object with methods, rather than locals shared by a dozen closures: the gateway
 * keeps it for as long as the model streams (seconds), and its size is what the garbage collector copies.
 */
class TextStream {
  readonly #raw: FastifyReply['raw'];
  readonly #call: UpstreamCall;
  readonly #adm: Admission;
  readonly #pipeline: GatewayPipeline;
  readonly #o: TextStreamOptions;
  readonly #choices = new Map<number, ChoiceState>();
  #decision: ReviewDecision = 'pass';
  readonly #hits: ReviewHit[] = [];
  #template: Chunk | null = null;
  #ended: string | undefined;
  #closed = false;
  /** The error event that ends the stream: sent after the record is committed, like the end of the stream itself. */
  #lastEvent: string | undefined;

  constructor(
    reply: FastifyReply,
    call: UpstreamCall,
    adm: Admission,
    pipeline: GatewayPipeline,
    o: TextStreamOptions,
  ) {
    this.#raw = reply.raw;
    this.#call = call;
    this.#adm = adm;
    this.#pipeline = pipeline;
    this.#o = o;
    reply.hijack();
  }

  async run(): Promise<void> {
    const raw = this.#raw;
    const call = this.#call;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-hegui-produce-id': this.#adm.produceId,
    });
    // The head goes now, so that every event after it can go straight to the socket (see #write).
    raw.flushHeaders();
    flattenHead(raw as unknown as { _header?: unknown });
    // `on` rather than `once`: the event comes once anyway, and `once` keeps a wrapper and its state per stream.
    raw.on('close', () => {
      this.#closed = true;
    });
    const reader = call.reader();
    // StringDecoder rather than TextDecoder: a streaming TextDecoder holds a native ICU converter, one more object with
    // a weak handle per stream for every young-generation collection to process.
    const decoder = new StringDecoder('utf8');
    let buf = '';
    let stopCheckedAt = Date.now();
    try {
      if (!reader) throw new Error('no body');
      for (;;) {
        if (this.#closed) {
          this.#ended = 'client_closed';
          call.abort('client disconnected');
          break;
        }
        const { done, value } = await reader.read();
        if (done) break;
        if (Date.now() - stopCheckedAt >= STOP_CHECK_MS) {
          stopCheckedAt = Date.now();
          const stopped = this.#pipeline.stopped(this.#adm);
          if (typeof stopped === 'boolean' ? stopped : await stopped) {
            this.#ended = 'publishing_stopped';
            call.abort('publishing stopped');
            this.#lastEvent = `data: ${JSON.stringify({ error: { message: PUBLISHING_STOPPED_MESSAGE, type: 'invalid_request_error', code: 'publishing_stopped', param: null } })}\n\n`;
            break;
          }
        }
        call.touch();
        buf += decoder.write(value);
        let stop = false;
        let from = 0;
        for (let at = eventEnd(buf, from); at >= 0; at = eventEnd(buf, from)) {
          const event = buf.slice(from, at);
          from = at + endLength(buf, at);
          let step = this.#handleEvent(event);
          if (typeof step !== 'string') {
            // Waiting for the client (or the record): the upstream's time limit does not run meanwhile.
            call.hold();
            step = await step;
            call.touch();
          }
          if (step === 'stop') {
            stop = true;
            break;
          }
        }
        if (from > 0) buf = buf.slice(from);
        if (stop) break;
        if (buf.length > MAX_EVENT_CHARS) {
          // An event that never ends is not a model's output: it would be held here without bound.
          this.#ended = 'upstream_invalid';
          call.abort('event too large');
          this.#lastEvent = upstreamEndedEvent('the model server sent an event over 1 MiB');
          break;
        }
      }
      if (!this.#ended) {
        this.#ended = this.#closed ? 'client_closed' : 'upstream_closed';
        this.#lastEvent = upstreamEndedEvent('the model server ended the stream early');
      }
    } catch {
      if (this.#closed) this.#ended = 'client_closed';
      else {
        this.#ended = call.timedOut ? 'upstream_timeout' : 'upstream_closed';
        this.#lastEvent = upstreamEndedEvent(
          this.#ended === 'upstream_timeout'
            ? 'the model server stopped answering'
            : 'the model server closed the connection early',
        );
      }
    } finally {
      call.done();
      reader?.cancel().catch(() => {});
    }
    await this.#finish();
  }

  /** The stream ends once its record is committed (Art. 16): a client that saw the end can rely on the log having it. */
  async #finish(): Promise<void> {
    const choices = [...this.#choices.values()];
    const ended = this.#ended;
    try {
      const contentSha256 = choices.map((s) => s.delivered.hex());
      // Hits past each reviewer's cap are counted, not listed (a model can repeat a term without end).
      const omitted = { hits: 0, suppressed: 0 };
      for (const s of choices) {
        omitted.hits += s.reviewer.omitted?.hits ?? 0;
        omitted.suppressed += s.reviewer.omitted?.suppressed ?? 0;
      }
      if (ended === 'output_blocked')
        await this.#pipeline.recordOutputBlocked(this.#adm, this.#o.upstream, this.#hits, omitted.hits);
      const decision = this.#decision;
      await this.#pipeline.recordGeneration(this.#adm, {
        kind: 'text',
        contentSha256,
        decision,
        ...(decision === 'review'
          ? {
              outputReviews: [
                {
                  decision,
                  hits: this.#hits,
                  suppressed: [],
                  complete: true,
                  ...(omitted.hits || omitted.suppressed ? { omitted } : {}),
                },
              ],
            }
          : {}),
        ...(typeof this.#template?.['id'] === 'string' ? { contentId: this.#template['id'] } : {}),
        upstream: this.#o.upstream,
        labels: { explicit: choices.some((s) => s.labeller.placed), metadata: false, signed: false },
        ...(ended !== 'done' ? { ended: ended ?? 'unknown' } : {}),
      });
    } finally {
      if (this.#lastEvent) await this.#write(this.#lastEvent);
      this.#raw.end();
    }
  }

  /**
   * Writes one event; a promise only when the client has not taken the last writes yet (wait for `drain`).
   *
   * Straight to the client's socket, as one buffer with its HTTP/1.1 chunk framing (`chunkOf`), where `res.write` would
   * queue three pieces and a write request for each: a stream writes an event per token, and that queueing was a sixth
   * of what the gateway allocated while streaming. The head went before (`flushHeaders`) and `res.end()` writes the last
   * chunk, so the socket sees the same bytes. Through `res.write` while the response has no socket of its own (a
   * pipelined request waiting for the one before it).
   */
  #write(s: string): Promise<void> | undefined {
    const raw = this.#raw;
    if (this.#closed) return undefined;
    const socket = raw.socket?.writable && raw.headersSent ? raw.socket : null;
    const chunked = (raw as unknown as { chunkedEncoding?: boolean }).chunkedEncoding === true;
    const ok = socket ? socket.write(chunked ? chunkOf(s) : s) : raw.write(s);
    if (ok) return undefined;
    const emitter = socket ?? raw;
    return new Promise<void>((resolve) => {
      const done = () => {
        emitter.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      emitter.on('drain', done);
      raw.on('close', done);
    });
  }

  #stateOf(i: number): ChoiceState {
    let s = this.#choices.get(i);
    if (!s) {
      s = {
        reviewer: createStreamReviewer(this.#adm.library.compiled, { maxHits: MAX_LISTED_HITS }),
        labeller: createStreamLabeller(TEXT_LABEL),
        delivered: new TextHash(),
        finished: false,
      };
      this.#choices.set(i, s);
    }
    return s;
  }

  #textOf(c: ChoiceJson): unknown {
    return this.#o.kind === 'chat' ? c.delta?.content : c.text;
  }

  // The parsed chunk is ours: fields are set in place rather than copied, one allocation fewer per event.
  #setText(c: ChoiceJson, t: string): void {
    if (this.#o.kind !== 'chat') c.text = t;
    else if (c.delta && typeof c.delta === 'object') c.delta['content'] = t;
    else c.delta = { content: t };
  }

  /** Review then label a piece; returns the text to send, or null once blocked. */
  #pass(s: ChoiceState, piece: string, end: boolean): string | null {
    let out = '';
    const u = s.reviewer.push(piece);
    // One by one: a push may bring more hits than a call takes arguments.
    for (const h of u.hits) this.#hits.push(h);
    if (u.blocked) return null;
    out += s.labeller.push(u.release).join('');
    if (end) {
      const e = s.reviewer.end();
      for (const h of e.hits) this.#hits.push(h);
      this.#decision = stricter(this.#decision, e.result.decision);
      if (e.blocked) return null;
      out += s.labeller.push(e.release).join('') + s.labeller.end().join('');
      s.finished = true;
    }
    this.#decision = stricter(this.#decision, u.decision);
    s.delivered.update(out);
    return out;
  }

  #chunkFor(i: number, fields: Record<string, unknown>): Chunk {
    const o = this.#o;
    return {
      ...(this.#template ?? { object: o.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion' }),
      model: o.publicModel,
      choices: [{ index: i, ...(o.kind === 'chat' ? { delta: {} } : { text: '' }), finish_reason: null, ...fields }],
    };
  }

  async #block(i: number): Promise<void> {
    this.#ended = 'output_blocked';
    this.#decision = 'block';
    this.#call.abort('output blocked');
    await this.#write(
      `data: ${JSON.stringify({ ...this.#chunkFor(i, { finish_reason: 'content_filter' }), hegui: { code: 'output_blocked', message: OUTPUT_BLOCKED_MESSAGE } })}\n\ndata: [DONE]\n\n`,
    );
  }

  /** Choices the upstream never finished: their held text and end label go out before [DONE]. */
  async #finishOpen(): Promise<boolean> {
    for (const [i, s] of this.#choices) {
      if (s.finished) continue;
      const out = this.#pass(s, '', true);
      if (out === null) {
        await this.#block(i);
        return false;
      }
      if (out)
        await this.#write(
          `data: ${JSON.stringify(this.#chunkFor(i, this.#o.kind === 'chat' ? { delta: { content: out } } : { text: out }))}\n\n`,
        );
    }
    return true;
  }

  async #finishDone(): Promise<'stop'> {
    if (await this.#finishOpen()) {
      await this.#write('data: [DONE]\n\n');
      this.#ended = 'done';
    }
    return 'stop';
  }

  /** One event; synchronous unless it must wait (a full client buffer, the end of the stream, a block). */
  #handleEvent(event: string): Step | Promise<Step> {
    const data = eventData(event);
    if (data === '') return 'go';
    if (data === '[DONE]') return this.#finishDone();
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      return 'go';
    }
    if (chunk === null || typeof chunk !== 'object') return 'go';
    chunk.model = this.#o.publicModel;
    if (!Array.isArray(chunk.choices)) return goAfter(this.#write(`data: ${JSON.stringify(chunk)}\n\n`));
    // The stream's own fields for the chunks the gateway writes itself; not `usage`, which a client would count twice.
    // Made again only when they change (they are the same in every chunk of a stream).
    const template = this.#template;
    if (
      template === null ||
      template['id'] !== chunk['id'] ||
      template['object'] !== chunk['object'] ||
      template['created'] !== chunk['created'] ||
      template['system_fingerprint'] !== chunk['system_fingerprint']
    ) {
      const t: Chunk = { id: chunk['id'], object: chunk['object'], created: chunk['created'] };
      if (chunk['system_fingerprint'] !== undefined) t['system_fingerprint'] = chunk['system_fingerprint'];
      this.#template = t;
    }
    for (const c of chunk.choices as ChoiceJson[]) {
      const i = typeof c.index === 'number' ? c.index : 0;
      const t = this.#textOf(c);
      const fin = typeof c.finish_reason === 'string';
      if (typeof t !== 'string' && !fin) continue;
      const out = this.#pass(this.#stateOf(i), typeof t === 'string' ? t : '', fin);
      if (out === null) return this.#block(i).then(() => 'stop' as const);
      this.#setText(c, out);
    }
    return goAfter(this.#write(`data: ${JSON.stringify(chunk)}\n\n`));
  }
}

/**
 * An HTTP/1.1 chunk (RFC 9112 §7.1) holding `s` in UTF-8: size in hex, CRLF, data, CRLF. Encoded into a buffer (from
 * Node's shared pool, as a small one is), not joined into a string: the bytes then live outside the JavaScript heap, and
 * a streaming gateway's young-generation collections, each with a fixed cost, come as often as that heap fills.
 */
function chunkOf(s: string): Buffer {
  const n = Buffer.byteLength(s);
  const size = n.toString(16);
  const b = Buffer.allocUnsafe(size.length + n + 4);
  let at = b.write(size, 0, 'latin1');
  b[at++] = 13;
  b[at++] = 10;
  at += b.write(s, at, 'utf8');
  b[at++] = 13;
  b[at] = 10;
  return b;
}

/**
 * node:http builds a response's head by concatenation, about thirty string pieces, and keeps it (`_header`) until
 * the response ends. Reading a character of it makes V8 flatten the pieces into one string in place, so a stream
 * open for seconds holds one string rather than thirty (about 0.9 KB less for the collector to copy per stream).
 */
function flattenHead(raw: { _header?: unknown }): void {
  if (typeof raw._header === 'string') raw._header.charCodeAt(0);
}

type Step = 'go' | 'stop';
const goAfter = (w: Promise<void> | undefined): Step | Promise<Step> => (w ? w.then(() => 'go' as const) : 'go');

/**
 * Where the blank line that ends the next server-sent event starts, at or after `from` (-1: none yet). The blank line
 * is two line ends, each LF or CRLF (WHATWG HTML, server-sent events: "\n", "\r\n"; a lone CR is not used by
 * OpenAI-compatible servers).
 */
export function eventEnd(buf: string, from: number): number {
  for (let i = buf.indexOf('\n', from); i >= 0; i = buf.indexOf('\n', i + 1)) {
    const next = buf.charCodeAt(i + 1);
    if (next === 10 || (next === 13 && buf.charCodeAt(i + 2) === 10))
      return i > from && buf.charCodeAt(i - 1) === 13 ? i - 1 : i;
  }
  return -1;
}

/** The length of the blank line found by {@link eventEnd} at `at`: 2 to 4 characters. */
export function endLength(buf: string, at: number): number {
  let n = buf.charCodeAt(at) === 13 ? 2 : 1;
  n += buf.charCodeAt(at + n) === 13 ? 2 : 1;
  return n;
}

/**
 * SHA-256 of a text that arrives in pieces, equal to the hash of the pieces joined: UTF-8 is encoded per piece, so a
 * surrogate pair split between two pieces is held back until its second half arrives.
 */
export class TextHash {
  readonly #hash = createHash('sha256');
  #high = '';

  update(piece: string): void {
    if (piece === '') return;
    let t = this.#high ? this.#high + piece : piece;
    this.#high = '';
    const last = t.charCodeAt(t.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.#high = t.slice(-1);
      t = t.slice(0, -1);
    }
    if (t) this.#hash.update(t);
  }

  hex(): string {
    if (this.#high) this.#hash.update(this.#high);
    this.#high = '';
    return this.#hash.digest('hex');
  }
}

/** The data of one server-sent event: its `data:` lines joined by newlines (one line, the usual case, is not split). */
export function eventData(event: string): string {
  if (event.startsWith('data:') && !event.includes('\n')) return event.slice(event[5] === ' ' ? 6 : 5);
  return event
    .split(/\r?\n/)
    .filter((l) => l.startsWith('data:'))
    .map((l) => (l[5] === ' ' ? l.slice(6) : l.slice(5)))
    .join('\n');
}

function upstreamEndedEvent(message: string): string {
  const code = message.includes('stopped answering') ? 'upstream_timeout' : 'upstream_error';
  return `data: ${JSON.stringify({ error: { message, type: 'upstream_error', code, param: null } })}\n\n`;
}
