/**
 * The per-request pipeline before and after the upstream (Provisions Art. 9, 10, 14, 16; GB 45438): API key → user →
 * publishing gate and per-function checks → consent for face/voice editing → input review; and, after the output is
 * reviewed and labelled, the generation record in the tamper-evident log. Blocked inputs are recorded as strikes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { isHeguiError } from '../errors.ts';
import { actorRef } from '../platform/actor.ts';
import type { AuditLog } from '../platform/audit/audit-log.ts';
import { GroupCommit } from '../platform/audit/group-commit.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { Platform } from '../platform/platform.ts';
import type { CompiledLibrary } from '../review/compiled/compiled-library.ts';
import type { ReviewDecision, ReviewResult } from '../review/decision.ts';
import { reviewText } from '../review/review.ts';
import { authenticate } from '../server/route.ts';
import type { Store } from '../store/index.ts';
import type { ConsentCheck, EmergencySwitch, FunctionGate, GenerationFunction } from './access.ts';
import { GatewayError, INPUT_BLOCKED_MESSAGE } from './openai-error.ts';

/** Audit event types; the enforcement slice counts `enforcement.strike` events per account (Art. 10). */
export const EVENT = {
  generated: 'gateway.generated',
  inputBlocked: 'gateway.input_blocked',
  outputBlocked: 'gateway.output_blocked',
  strike: 'enforcement.strike',
} as const;

export interface Admission {
  principal: Principal;
  accountId: string;
  actor: string;
  /** GB 45438 App. E ProduceID of this request's output. */
  produceId: string;
  endpoint: string;
  model: string;
}

export interface Generation {
  kind: 'text' | 'image' | 'audio';
  /** SHA-256 of the content as delivered (labels included), one per output. */
  contentSha256: string[];
  decision: ReviewDecision;
  upstream: string;
  labels: { explicit: boolean; metadata: boolean; signed: boolean };
  /** The stream ended early: `client_closed`, `upstream_closed`, `output_blocked`. */
  ended?: string;
}

export const sha256Hex = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');

export class GatewayPipeline {
  /** Records of concurrent requests share a transaction; each request still waits for its own commit. */
  readonly #records: GroupCommit;

  constructor(
    private readonly platform: Platform,
    private readonly access: FunctionGate,
    private readonly consent: ConsentCheck,
    private readonly library: CompiledLibrary,
    store: Store,
    readonly audit: AuditLog,
    private readonly emergency: EmergencySwitch,
  ) {
    this.#records = new GroupCommit(store, audit);
  }

  /** The emergency switch is engaged: streams in flight end too (Art. 21: 立即停止). */
  get suspended(): boolean {
    return this.emergency.engaged;
  }

  async admit(
    req: FastifyRequest,
    o: { fn: GenerationFunction; endpoint: string; model: string; input: string; consentRef?: string },
  ): Promise<Admission> {
    let principal: Principal | undefined;
    try {
      principal = await authenticate(this.platform, req);
    } catch (e) {
      if (isHeguiError(e))
        throw new GatewayError('unauthenticated', 'the API key is not valid (expired, revoked or unknown)');
      throw e;
    }
    if (!principal) throw new GatewayError('unauthenticated', 'give an API key (Authorization: Bearer …)');
    const accountId = principal.account.id;
    const refusals = await this.access.check(accountId, o.fn);
    if (refusals.length) {
      throw new GatewayError(refusals[0]!.code, refusals.map((r) => r.message).join('; '));
    }
    if (o.fn === 'face-edit' || o.fn === 'voice-edit') {
      const r = await this.consent.check({
        accountId,
        fn: o.fn,
        ...(o.consentRef ? { consentRef: o.consentRef } : {}),
      });
      if (r) throw new GatewayError(r.code, r.message);
    }
    const adm: Admission = {
      principal,
      accountId,
      actor: actorRef(principal.actor),
      produceId: newProduceId(),
      endpoint: o.endpoint,
      model: o.model,
    };
    const review = reviewText(o.input, this.library);
    if (review.decision === 'block') {
      await this.#inputBlocked(adm, o.input, review);
      throw new GatewayError('input_blocked', INPUT_BLOCKED_MESSAGE);
    }
    return adm;
  }

  /** Review a whole output text. */
  review(text: string): ReviewResult {
    return reviewText(text, this.library);
  }

  get reviewLibrary(): CompiledLibrary {
    return this.library;
  }

  /** The generation record (Art. 16 logs; the label's ProduceID ties the file to it). Returns the entry index. */
  async recordGeneration(adm: Admission, g: Generation): Promise<number> {
    return this.#records.transaction(async (trx) => {
      const e = await this.audit.append(trx, {
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
          decision: g.decision,
          labels: g.labels,
          ...(g.ended ? { ended: g.ended } : {}),
        },
      });
      return e.index;
    });
  }

  /** An output withheld by review: staff see which entries matched; the user only that it was withheld. */
  async recordOutputBlocked(adm: Admission, upstream: string, hits: ReviewResult['hits']): Promise<void> {
    await this.#records.transaction(async (trx) => {
      await this.audit.append(trx, {
        type: EVENT.outputBlocked,
        actor: adm.actor,
        subject: `produce:${adm.produceId}`,
        payload: {
          produceId: adm.produceId,
          accountId: adm.accountId,
          endpoint: adm.endpoint,
          model: adm.model,
          upstream,
          hits: hitRefs(hits),
        },
      });
    });
  }

  async #inputBlocked(adm: Admission, input: string, review: ReviewResult): Promise<void> {
    await this.#records.transaction(async (trx) => {
      await this.audit.append(trx, {
        type: EVENT.inputBlocked,
        actor: adm.actor,
        subject: `account:${adm.accountId}`,
        payload: {
          accountId: adm.accountId,
          endpoint: adm.endpoint,
          model: adm.model,
          inputSha256: sha256Hex(input),
          hits: hitRefs(review.hits),
        },
      });
      // A strike for the enforcement slice (Art. 10: 依法依约采取警示、限制功能、暂停服务、关闭账号等处置措施).
      await this.audit.append(trx, {
        type: EVENT.strike,
        actor: 'system:gateway',
        subject: `account:${adm.accountId}`,
        payload: {
          accountId: adm.accountId,
          reason: 'input_blocked',
          endpoint: adm.endpoint,
          risks: [...new Set(review.hits.map((h) => h.riskCode))],
        },
      });
    });
  }
}

/** Entry ids and risk codes only: never the matched text (it may be personal data), never shown to the user. */
function hitRefs(hits: ReviewResult['hits']): { entryId: string; riskCode: string; action: string }[] {
  return hits.map((h) => ({ entryId: h.entryId, riskCode: h.riskCode, action: h.action }));
}

/** Unique per output: a random UUID (no counter to coordinate between instances). */
export function newProduceId(): string {
  return randomUUID();
}
