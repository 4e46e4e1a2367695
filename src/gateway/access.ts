/**
 * What decides whether a user may use a generation function, as the gateway calls it: the publishing gate with the
 * function used (Provisions Art. 9 real name, Art. 8 agreements, Art. 10 enforcement suspensions and function
 * restrictions, Art. 7/21 emergency stops of everything or of a user group), the emergency stops of a model or a
 * capability, and, for editing a face or a voice, the recorded consent of the person edited (Art. 14 para. 2).
 */
import type { RealNameGate } from '../platform/accounts/real-name-gate.ts';
import type { Actor } from '../platform/actor.ts';
import type { ConsentService } from '../platform/consent/consent-service.ts';
import type { EmergencySwitch } from '../platform/emergency/emergency-switch.ts';

/** The functions a request uses, by the name the gate and the restriction records use. */
export type GenerationFunction = 'publish' | 'face-edit' | 'voice-edit';

/** The gate's refusals the gateway passes on with the platform's own codes (src/server/http-errors.ts). */
const GATE_CODES = [
  'real_name_required',
  'agreement_required',
  'account_disabled',
  'account_suspended',
  'account_closed',
  'function_restricted',
  'publishing_stopped',
] as const;
const isGateCode = (c: string): c is (typeof GATE_CODES)[number] => (GATE_CODES as readonly string[]).includes(c);

export type AccessRefusalCode = (typeof GATE_CODES)[number] | 'consent_required' | 'forbidden';

export interface AccessRefusal {
  code: AccessRefusalCode;
  message: string;
}

/** What a request is about to publish, for the gate and the emergency stops. */
export interface UseOf {
  accountId: string;
  fn: GenerationFunction;
  /** The model name the client asked for. */
  model: string;
  /** The endpoint (`chat.completions`, `images.edits`, …): a capability an emergency stop may name. */
  endpoint: string;
}

export const PUBLISHING_STOPPED_MESSAGE = 'publishing is stopped by the operator for now; try again later';

/** The publishing gate, then the emergency stops of the model and capability; every refusal is reported. */
export class AccessCheck {
  constructor(
    private readonly gate: RealNameGate,
    private readonly emergency: EmergencySwitch,
  ) {}

  async check(use: UseOf): Promise<AccessRefusal[]> {
    const refusals: AccessRefusal[] = [];
    if (await this.stopped(use)) refusals.push({ code: 'publishing_stopped', message: PUBLISHING_STOPPED_MESSAGE });
    const d = await this.gate.check(use.accountId, use.fn);
    for (const r of d.refusals) {
      if (r.code === 'publishing_stopped' && refusals.some((x) => x.code === r.code)) continue;
      refusals.push({ code: isGateCode(r.code) ? r.code : 'forbidden', message: r.message });
    }
    return refusals;
  }

  /**
   * An emergency stop covers this use: of everything, of the model, or of a capability — the endpoint or the function
   * (`face-edit`, `voice-edit`). Stops of user groups come through the gate. Cached for at most the switch's TTL, so
   * a stream in flight can ask again between chunks: a boolean while the cache is fresh, else a promise.
   */
  stopped(use: Omit<UseOf, 'accountId'>): boolean | Promise<boolean> {
    return this.emergency.stopsAny([
      { model: use.model, capability: use.endpoint },
      { model: use.model, capability: use.fn },
    ]);
  }
}

/** A face or voice edit: whose likeness, which use (a consent record lists the uses it covers). */
export interface EditOf {
  accountId: string;
  fn: 'face-edit' | 'voice-edit';
  /** The person edited, as consent records name them (`subjectRef`). */
  subject: string | undefined;
  use: string;
}

/**
 * The consent of the person whose face or voice is edited (Art. 14 para. 2: 依法告知被编辑的个人，并取得其单独同意),
 * from the consent register: a valid, in-scope record whose grantee is the requesting account (its id) or `*`.
 * Without a named subject there is nothing to check consent against: refused.
 */
export class ConsentGate {
  constructor(private readonly consent: ConsentService) {}

  async check(actor: Actor, edit: EditOf): Promise<AccessRefusal | undefined> {
    if (!edit.subject) {
      return {
        code: 'consent_required',
        message: `a ${edit.fn === 'face-edit' ? 'face' : 'voice'} edit needs the recorded consent of the person edited: name them in "consent_subject"`,
      };
    }
    const d = await this.consent.check(actor, {
      requester: edit.accountId,
      subject: edit.subject,
      modality: edit.fn === 'face-edit' ? 'face' : 'voice',
      use: edit.use,
    });
    return d.allowed ? undefined : { code: 'consent_required', message: d.message };
  }
}
