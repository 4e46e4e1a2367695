/**
 * What decides whether a user may use a generation function, as the gateway calls it: the publishing gate (Provisions
 * Art. 9 real name, Art. 8 agreements), per-function checks (Art. 10 enforcement restrictions, Art. 7/21 the emergency
 * switch) and, for editing a face or a voice, the consent of the person edited (Art. 14 para. 2).
 *
 * The enforcement, consent and emergency slices plug in here through these interfaces. The defaults are explicit:
 * no consent service refuses every face/voice edit (consent cannot be presumed), and the emergency switch below is a
 * real in-process switch.
 */
import type { RealNameGate } from '../platform/accounts/real-name-gate.ts';

/** The functions a request uses, by the name the gate and the restriction records use. */
export type GenerationFunction = 'publish' | 'face-edit' | 'voice-edit';

export interface AccessRefusal {
  /** Stable code for the client (see errors.ts). */
  code:
    | 'real_name_required'
    | 'agreement_required'
    | 'account_disabled'
    | 'restricted'
    | 'generation_suspended'
    | 'consent_required'
    | 'forbidden';
  message: string;
}

/** A check of one account's use of one function (enforcement restrictions, the emergency switch). */
export interface FunctionCheck {
  readonly name: string;
  check(accountId: string, fn: GenerationFunction, now: Date): Promise<AccessRefusal | undefined>;
}

/** The consent of the person whose face or voice is edited (Art. 14 para. 2: 依法告知被编辑的个人，并取得其单独同意). */
export interface ConsentCheck {
  check(input: {
    accountId: string;
    fn: 'face-edit' | 'voice-edit';
    consentRef?: string;
  }): Promise<AccessRefusal | undefined>;
}

/** Default: no consent service configured, so no face or voice edit is allowed. */
export const NO_CONSENT_SERVICE: ConsentCheck = {
  async check() {
    return {
      code: 'consent_required',
      message:
        'face and voice editing needs the recorded consent of the person edited; this service has no consent records configured',
    };
  },
};

/** The emergency switch (Art. 7, 21): engaged, it refuses every generation at once, for every user. */
export class EmergencySwitch implements FunctionCheck {
  readonly name = 'emergency_switch';
  #engaged: { reason: string } | null = null;

  engage(reason: string): void {
    this.#engaged = { reason };
  }

  release(): void {
    this.#engaged = null;
  }

  get engaged(): boolean {
    return this.#engaged !== null;
  }

  async check(): Promise<AccessRefusal | undefined> {
    return this.#engaged
      ? { code: 'generation_suspended', message: 'generation is suspended by the operator; try again later' }
      : undefined;
  }
}

/** The publishing gate, then every per-function check; every refusal is reported. */
export class FunctionGate {
  constructor(
    private readonly gate: RealNameGate,
    private readonly checks: readonly FunctionCheck[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  async check(accountId: string, fn: GenerationFunction): Promise<AccessRefusal[]> {
    const now = this.now();
    const refusals: AccessRefusal[] = [];
    // The switch first and alone: when it is engaged nothing else matters, and it costs no store lookup.
    for (const c of this.checks) {
      const r = await c.check(accountId, fn, now);
      if (r) refusals.push(r);
    }
    const d = await this.gate.check(accountId);
    for (const r of d.refusals) {
      const code =
        r.code === 'real_name_required' || r.code === 'agreement_required' || r.code === 'account_disabled'
          ? r.code
          : 'forbidden';
      refusals.push({ code, message: r.message });
    }
    return refusals;
  }
}
