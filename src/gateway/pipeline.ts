/**
 * The per-request pipeline before and after the upstream (Provisions Art. 9, 10, 14, 16; GB 45438): API key → user →
 * rate limit → publishing gate, function restrictions and emergency stops → consent for face/voice editing → input
 * review; and, after the output is reviewed and labelled, the generation record: an event in the tamper-evident log
 * and a row per output in the generation log (which rumour refutation reads to find who received a content), in one
 * transaction. Blocked inputs are judged requests for enforcement (strikes); "review" decisions go to the human
 * review queue.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../digest.ts';
import { isHeguiError } from '../errors.ts';
import { actorRef } from '../platform/actor.ts';
import type { AuditLog } from '../platform/audit/audit-log.ts';
import { GroupCommit } from '../platform/audit/group-commit.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { EnforcementService } from '../platform/enforcement/enforcement-service.ts';
import type { Platform } from '../platform/platform.ts';
import type { ReviewQueueService } from '../platform/review-queue/review-queue-service.ts';
import type { RumourService } from '../platform/rumours/rumour-service.ts';
import type { ReviewDecision, ReviewResult } from '../review/decision.ts';
import { type ImageReviewResult, reviewImageWith } from '../review/image-stage.ts';
import { MAX_LISTED_HITS, reviewText } from '../review/review.ts';
import { authenticate } from '../server/route.ts';
import type { Store } from '../store/index.ts';
import type { AccessCheck, ConsentGate, GenerationFunction } from './access.ts';
import { GatewayError, INPUT_BLOCKED_MESSAGE } from './openai-error.ts';
import type { GatewayLibrary, LibraryRef, ServedLibrary } from './review-library.ts';

/** Audit event types of the gateway; enforcement writes its own (`enforcement.request.blocked`, …). */
export const EVENT = {
  generated: 'gateway.generated',
  inputBlocked: 'gateway.input_blocked',
  outputBlocked: 'gateway.output_blocked',
} as const;

/** Who records what the gateway causes in other duties (strikes, queue items). */
const GATEWAY_ACTOR = { kind: 'system', reason: 'gateway' } as const;

export interface Admission {
  principal: Principal;
  accountId: string;
  actor: string;
  fn: GenerationFunction;
  /** GB 45438 App. E ProduceID of this request's output. */
  produceId: string;
  endpoint: string;
  model: string;
  /** The library this request is reviewed with, input and output alike. */
  library: ServedLibrary;
  /** The input's review said "review": it goes to the queue with the output. */
  inputReview?: ReviewResult;
}

export interface Generation {
  kind: 'text' | 'image' | 'audio';
  /** SHA-256 of the content as delivered (labels included), one per output. */
  contentSha256: string[];
  decision: ReviewDecision;
  /** The output reviews that said "review" (to the queue). */
  outputReviews?: ReviewResult[];
  upstream: string;
  labels: { explicit: boolean; metadata: boolean; signed: boolean };
  /** The upstream's id of the response (e.g. `chatcmpl-…`), kept in the generation log as the content id. */
  contentId?: string;
  /**
   * The stream ended early: `client_closed`, `upstream_closed`, `upstream_timeout`, `upstream_invalid` (an event over
   * the size limit), `output_blocked`, `publishing_stopped`.
   */
  ended?: string;
}

export interface PipelineDeps {
  platform: Platform;
  access: AccessCheck;
  consent: ConsentGate;
  library: GatewayLibrary;
  store: Store;
  audit: AuditLog;
  enforcement: EnforcementService;
  queue: ReviewQueueService;
  generations: Pick<RumourService, 'insertGeneration'>;
  /** One request for a key (`key:…`, or `account:…` for a session); throws `rate_limited` over the limit. */
  limit: { take(key: string): void };
}

export interface AdmitRequest {
  fn: GenerationFunction;
  endpoint: string;
  model: string;
  input: string;
  /** For a face or voice edit: the person edited (their consent record's `subjectRef`) and the use. */
  consent?: { subject: string | undefined; use: string };
}

const SQLITE_RECORDS_PER_TRANSACTION = 16;

export class GatewayPipeline {
  /** Records of concurrent requests share a transaction; each request still waits for its own commit. */
  readonly #records: GroupCommit;

  constructor(private readonly d: PipelineDeps) {
    // On SQLite a transaction runs on the event loop from start to commit (about 0.1 ms a record in the gateway
    // bench): at most 16 records in one keeps it from holding streams in flight for more than a couple of ms.
    this.#records = new GroupCommit(
      d.store,
      d.audit,
      d.store.dialect.name === 'sqlite' ? { maxCallsPerTransaction: SQLITE_RECORDS_PER_TRANSACTION } : {},
    );
  }

  async admit(req: FastifyRequest, o: AdmitRequest): Promise<Admission> {
    let principal: Principal | undefined;
    try {
      principal = await authenticate(this.d.platform, req);
    } catch (e) {
      if (isHeguiError(e))
        throw new GatewayError('unauthenticated', 'the API key is not valid (expired, revoked or unknown)');
      throw e;
    }
    if (!principal) throw new GatewayError('unauthenticated', 'give an API key (Authorization: Bearer …)');
    const accountId = principal.account.id;
    this.d.limit.take(principal.apiKey ? `key:${principal.apiKey.id}` : `account:${accountId}`);
    const refusals = await this.d.access.check({ accountId, fn: o.fn, model: o.model, endpoint: o.endpoint });
    if (refusals.length) {
      throw new GatewayError(refusals[0]!.code, refusals.map((r) => r.message).join('; '));
    }
    if (o.fn === 'face-edit' || o.fn === 'voice-edit') {
      const r = await this.d.consent.check(principal.actor, {
        accountId,
        fn: o.fn,
        subject: o.consent?.subject,
        use: o.consent?.use ?? o.endpoint,
      });
      if (r) throw new GatewayError(r.code, r.message);
    }
    const adm: Admission = {
      principal,
      accountId,
      actor: actorRef(principal.actor),
      fn: o.fn,
      produceId: newProduceId(),
      endpoint: o.endpoint,
      model: o.model,
      library: this.d.library.current(),
    };
    const review = reviewText(o.input, adm.library.compiled, { maxHits: MAX_LISTED_HITS });
    if (review.decision === 'block') {
      await this.#inputBlocked(adm, o.input, review);
      throw new GatewayError('input_blocked', INPUT_BLOCKED_MESSAGE);
    }
    // A clean request ends a run of blocked ones ("3 in a row"); only worth a write when there is a run to end.
    if (this.d.enforcement.mayHaveStreak(accountId)) {
      await this.d.enforcement.recordRequest(GATEWAY_ACTOR, { accountId, blocked: false, function: o.fn });
    }
    if (review.decision === 'review') adm.inputReview = review;
    return adm;
  }

  /** Review an output text with the request's library. */
  review(adm: Admission, text: string): ReviewResult {
    return reviewText(text, adm.library.compiled, { maxHits: MAX_LISTED_HITS });
  }

  /** Review an output image: its SHA-256 and PDQ hash against the library's image entries. */
  reviewImage(adm: Admission, bytes: Uint8Array): Promise<ImageReviewResult> {
    return reviewImageWith(bytes, adm.library.compiled);
  }

  /**
   * The emergency switch stopped this use since it was admitted: streams in flight end too (Art. 21: 立即停止).
   * Answers from the switch's cache (at most its TTL old), so a stream may ask between chunks: at once while the cache
   * is fresh, else with a promise.
   */
  stopped(adm: Admission): boolean | Promise<boolean> {
    return this.d.access.stopped(adm);
  }

  /**
   * The generation record (Art. 16 logs; the label's ProduceID ties the file to it): the log event and one generation
   * log row per output, committed together; then the "review" decisions go to the queue. Returns the entry index.
   */
  async recordGeneration(adm: Admission, g: Generation): Promise<number> {
    const index = await this.#records.transaction(async (trx) => {
      const e = await this.d.audit.append(trx, {
        type: EVENT.generated,
        actor: adm.actor,
        subject: `produce:${adm.produceId}`,
        payload: {
          produceId: adm.produceId,
          accountId: adm.accountId,
          endpoint: adm.endpoint,
          model: adm.model,
          upstream: g.upstream,
          kind: g.kind,
          contentSha256: g.contentSha256,
          decision: adm.inputReview && g.decision === 'pass' ? 'review' : g.decision,
          library: adm.library.ref,
          labels: g.labels,
          ...(g.ended ? { ended: g.ended } : {}),
        },
      });
      for (const contentHash of new Set(g.contentSha256)) {
        await this.d.generations.insertGeneration(trx, {
          accountId: adm.accountId,
          produceId: adm.produceId,
          contentHash,
          ...(g.contentId !== undefined ? { contentId: g.contentId } : {}),
        });
      }
      return e.index;
    });
    for (const result of [adm.inputReview, ...(g.outputReviews ?? [])]) {
      if (result?.decision !== 'review') continue;
      await this.d.queue.enqueue(GATEWAY_ACTOR, {
        queue: 'engine',
        subject: `produce:${adm.produceId}`,
        result: { ...result, library: libraryOfQueue(adm.library.ref) },
      });
    }
    return index;
  }

  /** An output withheld by review: staff see which entries matched; the user only that it was withheld. */
  async recordOutputBlocked(
    adm: Admission,
    upstream: string,
    hits: ReviewResult['hits'],
    hitsOmitted = 0,
  ): Promise<void> {
    await this.#records.transaction(async (trx) => {
      await this.d.audit.append(trx, {
        type: EVENT.outputBlocked,
        actor: adm.actor,
        subject: `produce:${adm.produceId}`,
        payload: {
          produceId: adm.produceId,
          accountId: adm.accountId,
          endpoint: adm.endpoint,
          model: adm.model,
          upstream,
          library: adm.library.ref,
          hits: hitRefs(hits),
          ...(hitsOmitted ? { hitsOmitted } : {}),
        },
      });
    });
  }

  async #inputBlocked(adm: Admission, input: string, review: ReviewResult): Promise<void> {
    const hits = hitRefs(review.hits);
    const inputSha256 = sha256Hex(input);
    await this.#records.transaction(async (trx) => {
      await this.d.audit.append(trx, {
        type: EVENT.inputBlocked,
        actor: adm.actor,
        subject: `account:${adm.accountId}`,
        payload: {
          accountId: adm.accountId,
          endpoint: adm.endpoint,
          model: adm.model,
          inputSha256,
          library: adm.library.ref,
          hits,
          ...(review.omitted?.hits ? { hitsOmitted: review.omitted.hits } : {}),
        },
      });
    });
    // A strike (Art. 10: 依法依约采取警示、限制功能、暂停服务、关闭账号等处置措施): the ladder may act on it.
    const worst = review.hits.reduce((m, h) => Math.max(m, h.severity), 0);
    await this.d.enforcement.recordRequest(GATEWAY_ACTOR, {
      accountId: adm.accountId,
      blocked: true,
      severity: worst >= 4 ? 'high' : worst === 3 ? 'medium' : 'low',
      rule: [...new Set(review.hits.map((h) => h.riskCode))].join(',') || 'input_blocked',
      reason: 'input_blocked',
      function: adm.fn,
      evidence: { produceId: adm.produceId, endpoint: adm.endpoint, inputSha256, hits },
    });
  }
}

/** The queue records the published version a result came from; a file-served review has none. */
function libraryOfQueue(ref: LibraryRef): { version: number; contentHash: string } | null {
  return 'version' in ref ? ref : null;
}

type HitRef = { entryId: string; riskCode: string; action: string; count: number };

/**
 * Entry ids and risk codes only: never the matched text (it may be personal data), never shown to the user. One per
 * entry, with how many times it matched: a record's size stays bounded by the library, not by the text (a long input
 * can hold a term thousands of times).
 */
function hitRefs(hits: ReviewResult['hits']): HitRef[] {
  const byEntry = new Map<string, HitRef>();
  for (const h of hits) {
    const ref = byEntry.get(h.entryId);
    if (ref) ref.count++;
    else byEntry.set(h.entryId, { entryId: h.entryId, riskCode: h.riskCode, action: h.action, count: 1 });
  }
  return [...byEntry.values()];
}

/** Unique per output: a random UUID (no counter to coordinate between instances). */
export function newProduceId(): string {
  return randomUUID();
}
