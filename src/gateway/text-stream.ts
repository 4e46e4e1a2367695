/**
 * A streamed text completion (chat `delta.content` or legacy `text`), event by event: each choice's text goes through
 * the stream reviewer (which holds back only the engine's window: text that may still be part of a match) and then
 * the stream labeller (the explicit label, exactly once). A block ends the stream at once with a final chunk whose
 * finish_reason is `content_filter`; an upstream that stops early ends it with an error event; a client that goes
 * away aborts the upstream request. Upstream chunks are read one at a time and the next is not read until the client
 * has taken the last write (backpressure through `drain`).
 */
import type { FastifyReply } from 'fastify';
import { createStreamLabeller, type StreamLabeller } from '../label/explicit/text/stream.ts';
import type { ReviewDecision, ReviewHit } from '../review/decision.ts';
import { stricter } from '../review/decision.ts';
import { createStreamReviewer, type StreamReviewer } from '../review/stream.ts';
import { PUBLISHING_STOPPED_MESSAGE } from './access.ts';
import { TEXT_LABEL } from './label-policy.ts';
import { OUTPUT_BLOCKED_MESSAGE } from './openai-error.ts';
import { type Admission, type GatewayPipeline, sha256Hex } from './pipeline.ts';
import { isTimedOut, type UpstreamCall } from './upstream-call.ts';

/** How often a stream asks whether an emergency stop now covers it (the switch answers from a cache). */
const STOP_CHECK_MS = 200;
/** The blank line that ends a server-sent event (one pattern object for all streams: it has no `g` flag, so no state). */
const EVENT_END = /\r?\n\r?\n/;

type Chunk = Record<string, unknown> & { choices?: unknown };
interface ChoiceState {
  reviewer: StreamReviewer;
  labeller: StreamLabeller;
  delivered: string[];
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

export async function streamText(
  reply: FastifyReply,
  call: UpstreamCall,
  adm: Admission,
  pipeline: GatewayPipeline,
  o: TextStreamOptions,
): Promise<void> {
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-hegui-produce-id': adm.produceId,
  });
  const choices = new Map<number, ChoiceState>();
  const lib = adm.library.compiled;
  let decision: ReviewDecision = 'pass';
  const hits: ReviewHit[] = [];
  let template: Chunk | null = null;
  let ended: string | undefined;
  let closed = false;
  raw.once('close', () => {
    closed = true;
  });

  const write = async (s: string): Promise<void> => {
    if (closed) return;
    if (!raw.write(s)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          raw.off('drain', done);
          raw.off('close', done);
          resolve();
        };
        raw.on('drain', done);
        raw.on('close', done);
      });
    }
  };
  const stateOf = (i: number): ChoiceState => {
    let s = choices.get(i);
    if (!s) {
      s = {
        reviewer: createStreamReviewer(lib),
        labeller: createStreamLabeller(TEXT_LABEL),
        delivered: [],
        finished: false,
      };
      choices.set(i, s);
    }
    return s;
  };
  const textOf = (c: ChoiceJson): unknown => (o.kind === 'chat' ? c.delta?.content : c.text);
  // The parsed chunk is ours: fields are set in place rather than copied, one allocation fewer per event.
  const setText = (c: ChoiceJson, t: string) => {
    if (o.kind !== 'chat') c.text = t;
    else if (c.delta && typeof c.delta === 'object') c.delta['content'] = t;
    else c.delta = { content: t };
  };
  /** Review then label a piece; returns the text to send, or null once blocked. */
  const pass = (s: ChoiceState, piece: string, end: boolean): string | null => {
    let out = '';
    const u = s.reviewer.push(piece);
    hits.push(...u.hits);
    if (u.blocked) return null;
    out += s.labeller.push(u.release).join('');
    if (end) {
      const e = s.reviewer.end();
      hits.push(...e.hits);
      decision = stricter(decision, e.result.decision);
      if (e.blocked) return null;
      out += s.labeller.push(e.release).join('') + s.labeller.end().join('');
      s.finished = true;
    }
    decision = stricter(decision, u.decision);
    s.delivered.push(out);
    return out;
  };
  const chunkFor = (i: number, fields: Record<string, unknown>): Chunk => ({
    ...(template ?? { object: o.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion' }),
    model: o.publicModel,
    choices: [{ index: i, ...(o.kind === 'chat' ? { delta: {} } : { text: '' }), finish_reason: null, ...fields }],
  });
  const block = async (i: number) => {
    ended = 'output_blocked';
    decision = 'block';
    call.abort('output blocked');
    await write(
      `data: ${JSON.stringify({ ...chunkFor(i, { finish_reason: 'content_filter' }), hegui: { code: 'output_blocked', message: OUTPUT_BLOCKED_MESSAGE } })}\n\ndata: [DONE]\n\n`,
    );
  };
  /** Choices the upstream never finished: their held text and end label go out before [DONE]. */
  const finishOpen = async (): Promise<boolean> => {
    for (const [i, s] of choices) {
      if (s.finished) continue;
      const out = pass(s, '', true);
      if (out === null) {
        await block(i);
        return false;
      }
      if (out)
        await write(
          `data: ${JSON.stringify(chunkFor(i, o.kind === 'chat' ? { delta: { content: out } } : { text: out }))}\n\n`,
        );
    }
    return true;
  };

  const handleEvent = async (event: string): Promise<'go' | 'stop'> => {
    const data = eventData(event);
    if (data === '') return 'go';
    if (data === '[DONE]') {
      if (await finishOpen()) {
        await write('data: [DONE]\n\n');
        ended = 'done';
      }
      return 'stop';
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      return 'go';
    }
    if (chunk === null || typeof chunk !== 'object') return 'go';
    chunk.model = o.publicModel;
    if (!Array.isArray(chunk.choices)) {
      await write(`data: ${JSON.stringify(chunk)}\n\n`);
      return 'go';
    }
    // The stream's own fields for the chunks the gateway writes itself; not `usage`, which a client would count twice.
    template = { id: chunk['id'], object: chunk['object'], created: chunk['created'] };
    if (chunk['system_fingerprint'] !== undefined) template['system_fingerprint'] = chunk['system_fingerprint'];
    for (const c of chunk.choices as ChoiceJson[]) {
      const i = typeof c.index === 'number' ? c.index : 0;
      const t = textOf(c);
      const fin = typeof c.finish_reason === 'string';
      if (typeof t !== 'string' && !fin) continue;
      const out = pass(stateOf(i), typeof t === 'string' ? t : '', fin);
      if (out === null) {
        await block(i);
        return 'stop';
      }
      setText(c, out);
    }
    await write(`data: ${JSON.stringify(chunk)}\n\n`);
    return 'go';
  };

  /** The error event that ends the stream: sent after the record is committed, like the end of the stream itself. */
  let lastEvent: string | undefined;
  const reader = call.reader();
  const decoder = new TextDecoder();
  let buf = '';
  let stopCheckedAt = Date.now();
  try {
    if (!reader) throw new Error('no body');
    for (;;) {
      if (closed) {
        ended = 'client_closed';
        call.abort('client disconnected');
        break;
      }
      const { done, value } = await reader.read();
      if (done) break;
      if (Date.now() - stopCheckedAt >= STOP_CHECK_MS) {
        stopCheckedAt = Date.now();
        if (await pipeline.stopped(adm)) {
          ended = 'publishing_stopped';
          call.abort('publishing stopped');
          lastEvent = `data: ${JSON.stringify({ error: { message: PUBLISHING_STOPPED_MESSAGE, type: 'invalid_request_error', code: 'publishing_stopped', param: null } })}\n\n`;
          break;
        }
      }
      call.touch();
      buf += decoder.decode(value, { stream: true });
      let stop = false;
      for (let m = EVENT_END.exec(buf); m; m = EVENT_END.exec(buf)) {
        const event = buf.slice(0, m.index);
        buf = buf.slice(m.index + m[0].length);
        if ((await handleEvent(event)) === 'stop') {
          stop = true;
          break;
        }
      }
      if (stop) break;
    }
    if (!ended) {
      ended = closed ? 'client_closed' : 'upstream_closed';
      lastEvent = upstreamEndedEvent('the model server ended the stream early');
    }
  } catch {
    if (closed) ended = 'client_closed';
    else {
      ended = isTimedOut(call) ? 'upstream_timeout' : 'upstream_closed';
      lastEvent = upstreamEndedEvent(
        ended === 'upstream_timeout'
          ? 'the model server stopped answering'
          : 'the model server closed the connection early',
      );
    }
  } finally {
    call.done();
    reader?.cancel().catch(() => {});
  }
  // The stream ends once its record is committed (Art. 16): a client that saw the end can rely on the log having it.
  try {
    const contentSha256 = [...choices.values()].map((s) => sha256Hex(s.delivered.join('')));
    if (ended === 'output_blocked') await pipeline.recordOutputBlocked(adm, o.upstream, hits);
    await pipeline.recordGeneration(adm, {
      kind: 'text',
      contentSha256,
      decision,
      // `decision` is set in the closures above; the cast undoes the narrowing to its initial value.
      ...((decision as ReviewDecision) === 'review'
        ? { outputReviews: [{ decision, hits, suppressed: [], complete: true }] }
        : {}),
      ...(typeof template?.['id'] === 'string' ? { contentId: template['id'] } : {}),
      upstream: o.upstream,
      labels: { explicit: [...choices.values()].some((s) => s.labeller.placed), metadata: false, signed: false },
      ...(ended !== 'done' ? { ended: ended ?? 'unknown' } : {}),
    });
  } finally {
    if (lastEvent) await write(lastEvent);
    raw.end();
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
