import { createHash } from 'node:crypto';
import { isHeguiError } from '../../errors.ts';
import type { AigcRecord } from '../aigc/record.ts';
import type { VerifyFinding } from '../verify/findings.ts';
import type { DigestAlgorithm } from './content-binding.ts';
import { loadPublicKey, SIGNATURE_OID, type SignatureAlgorithm, sm2KeyFromPoint, type VerifyKey } from './keys.ts';
import {
  asBinding,
  type BindingEntry,
  bindingMessage,
  CONTENT_SELECTION,
  fromHex,
  HASH_OID,
  labelMessage,
  parseSecurityData,
  type SecurityEntry,
  type SignerRole,
  signedFields,
  TBS_BINDING,
  TBS_LABEL_ALIASES,
  tbsType,
  toHex,
} from './security-data.ts';
import { reservedFieldOf } from './sign.ts';
import { keyStatus, type TrustList } from './trust-list.ts';

export type SignatureStatus =
  | 'valid' // verified with a trusted key that is valid now
  | 'not_applicable' // ReservedCode2 on a file no platform has propagated
  | 'absent'
  | 'unrecognised'
  | 'unsupported'
  | 'invalid'
  | 'unknown_key' // verified only with the key the label carries, which no trust list vouches for; or no key at all
  | 'key_expired'
  | 'key_not_yet_valid';

export type BindingStatus = 'match' | 'mismatch' | 'absent' | 'unsupported' | 'unverifiable';

export interface SignatureReport {
  role: SignerRole;
  field: 'ReservedCode1' | 'ReservedCode2';
  /** The provider code the signature speaks for (ContentProducer or ContentPropagator). */
  signer: string;
  status: SignatureStatus;
  algorithm?: SignatureAlgorithm;
  keyId?: string;
  keySource?: 'trust_list' | 'embedded';
  /** How the label signature verified: over the App. A.1 message itself, or over its SM3 digest (seen in the wild). */
  message?: 'direct' | 'sm3_digest';
  binding?: {
    status: BindingStatus;
    algorithm?: DigestAlgorithm;
    selection?: string;
    signed?: string;
    actual?: string;
  };
}

export interface CheckContext {
  trust?: TrustList;
  now: Date;
  /**
   * The file's content binding with a hash algorithm, or null when its format has no canonical form. Throws a
   * HeguiError when the file is too damaged for its writer.
   */
  digest(algorithm: DigestAlgorithm): Promise<Uint8Array | null>;
}

const ALG_BY_OID = new Map<string, SignatureAlgorithm>(
  Object.entries(SIGNATURE_OID).map(([alg, oid]) => [oid, alg as SignatureAlgorithm]),
);
const DIGEST_BY_OID = new Map<string, DigestAlgorithm>(
  Object.entries(HASH_OID).map(([alg, oid]) => [oid, alg as DigestAlgorithm]),
);

/** Keys tried from one SecurityData: a label could otherwise list hundreds to make every check slow. */
const MAX_EMBEDDED_KEYS = 4;

/** Keys the SecurityData carries (`PubKey` entries): SPKI DER in hex, or a bare SM2 point. */
function embeddedKeys(entries: SecurityEntry[]): VerifyKey[] {
  const keys: VerifyKey[] = [];
  for (const e of entries) {
    if (e.Type !== 'PubKey') continue;
    if (keys.length >= MAX_EMBEDDED_KEYS) break;
    const raw = fromHex(e['KeyValue']);
    if (!raw) continue;
    try {
      keys.push(loadPublicKey(raw));
    } catch {
      const k = sm2KeyFromPoint(raw);
      if (k) keys.push(k);
    }
  }
  return keys;
}

const sameKey = (a: VerifyKey, b: VerifyKey): boolean => Buffer.from(a.spki).equals(Buffer.from(b.spki));

interface Candidate {
  key: VerifyKey;
  trusted?: { status: 'valid' | 'expired' | 'not_yet_valid' };
}

function verifyLabelSignature(
  alg: SignatureAlgorithm,
  candidates: Candidate[],
  message: Uint8Array,
  signature: Uint8Array,
): { candidate: Candidate; form: 'direct' | 'sm3_digest' } | null {
  for (const c of candidates) {
    if (c.key.alg !== alg) continue;
    if (c.key.verify(message, signature)) return { candidate: c, form: 'direct' };
    // StepFun's labels sign SM3(message) with SM3withSM2 (a double hash); accepted and reported as such.
    if (alg === 'sm2' && c.key.verify(createHash('sm3').update(message).digest(), signature)) {
      return { candidate: c, form: 'sm3_digest' };
    }
  }
  return null;
}

/**
 * Check the SecurityData of one role (producer: ReservedCode1, propagator: ReservedCode2) against the trust list and
 * the file's content binding. Every problem is a finding; nothing throws for a hostile label.
 */
export async function checkSignature(
  record: AigcRecord,
  role: SignerRole,
  ctx: CheckContext,
): Promise<{ report: SignatureReport; findings: VerifyFinding[] }> {
  const field = reservedFieldOf(role);
  const signer = role === 'producer' ? record.ContentProducer : record.ContentPropagator;
  const report: SignatureReport = { role, field, signer, status: 'absent' };
  const findings: VerifyFinding[] = [];
  const named = ctx.trust?.providers.get(signer);
  const who = role === 'producer' ? 'producer' : 'propagator';
  const add = (f: Omit<VerifyFinding, 'role' | 'field'>): void => {
    findings.push({ ...f, field, role });
  };
  const done = () => ({ report, findings });

  const parsed = parseSecurityData(record[field]);
  // No platform has propagated the file: the propagator fields are empty or still the producer's (App. E, first write).
  const unpropagated =
    record.ContentPropagator === '' ||
    (record.ContentPropagator === record.ContentProducer && record.PropagateID === record.ProduceID);
  if (role === 'propagator' && parsed.kind === 'empty' && unpropagated) {
    report.status = 'not_applicable';
    return done();
  }
  const missing = (what: string): void => {
    add({
      code: 'signature_missing',
      severity: named ? 'error' : 'info',
      message: named
        ? `${field} ${what}, but the trust list names this ${who}: its labels must be signed`
        : `${field} ${what}: the ${who}'s label is not signed`,
    });
  };
  if (parsed.kind === 'empty') {
    missing('is empty');
    return done();
  }
  if (parsed.kind === 'other') {
    report.status = 'unrecognised';
    if (named) missing('holds something other than TC260 SecurityData');
    else {
      add({
        code: 'security_data_unrecognised',
        severity: 'info',
        message: `${field} holds something other than TC260 SecurityData (a vendor's own value); it is not checked`,
      });
    }
    return done();
  }

  const ds = parsed.entries.filter((e) => e.Type === 'DS');
  const labelDs = ds.find((e) => TBS_LABEL_ALIASES.has(tbsType(e) ?? ''));
  if (!labelDs) {
    report.status = ds.length ? 'unsupported' : 'unrecognised';
    if (ds.length) {
      add({
        code: 'signature_unsupported',
        severity: named ? 'error' : 'warning',
        message: `${field} signs data of a type this verifier does not know; the label is not covered`,
      });
    } else missing('holds SecurityData without a label signature');
    return done();
  }
  const alg = ALG_BY_OID.get(String(labelDs['AlgID']));
  const signature = fromHex(labelDs['Signature']);
  if (!alg || !signature) {
    report.status = 'unsupported';
    add({
      code: 'signature_unsupported',
      severity: named ? 'error' : 'warning',
      message: alg
        ? `${field}: the signature is not hexadecimal`
        : `${field} uses a signature algorithm this verifier does not check (only SM3withSM2 and Ed25519)`,
    });
    return done();
  }
  report.algorithm = alg;

  const candidates: Candidate[] = [
    ...(named?.keys ?? []).map((k) => ({ key: k.key, trusted: { status: keyStatus(k, ctx.now) } })),
    ...embeddedKeys(parsed.entries)
      .filter((k) => !named?.keys.some((t) => sameKey(t.key, k)))
      .map((key) => ({ key })),
  ];
  const message = labelMessage(record, signedFields(role));
  const hit = verifyLabelSignature(alg, candidates, message, signature);
  if (!hit) {
    const anyKey = candidates.some((c) => c.key.alg === alg);
    report.status = anyKey ? 'invalid' : 'unknown_key';
    add(
      anyKey
        ? {
            code: 'signature_invalid',
            severity: 'error',
            message: `the ${who}'s signature in ${field} does not match the label: the label was changed after signing, or it was not signed with this key`,
          }
        : {
            code: 'signature_unknown_key',
            severity: named ? 'error' : ctx.trust ? 'warning' : 'info',
            message: `no ${alg} key is known for this ${who} and the label carries none: the signature cannot be checked`,
          },
    );
    return done();
  }
  const { candidate } = hit;
  report.keyId = candidate.key.id;
  report.message = hit.form;
  report.keySource = candidate.trusted ? 'trust_list' : 'embedded';
  if (candidate.trusted) {
    const s = candidate.trusted.status;
    report.status = s === 'valid' ? 'valid' : s === 'expired' ? 'key_expired' : 'key_not_yet_valid';
    if (s !== 'valid') {
      add({
        code: s === 'expired' ? 'signature_key_expired' : 'signature_key_not_yet_valid',
        severity: 'error',
        message:
          s === 'expired'
            ? `the ${who}'s signature verifies with a trusted key that has expired (key ${candidate.key.id})`
            : `the ${who}'s signature verifies with a trusted key that is not valid yet (key ${candidate.key.id})`,
      });
    }
  } else {
    report.status = 'unknown_key';
    add({
      code: 'signature_unknown_key',
      severity: named ? 'error' : ctx.trust ? 'warning' : 'info',
      message: named
        ? `the ${who}'s signature verifies only with the key the label carries (${candidate.key.id}), which is not one of this ${who}'s keys in the trust list`
        : `the ${who}'s signature verifies with the key the label carries (${candidate.key.id}); no trust list vouches for it, so it shows integrity, not who signed`,
    });
  }
  await checkBinding(parsed.entries, candidate.key, message, ctx, report, add);
  return done();
}

async function checkBinding(
  entries: SecurityEntry[],
  key: VerifyKey,
  message: Uint8Array,
  ctx: CheckContext,
  report: SignatureReport,
  add: (f: Omit<VerifyFinding, 'role' | 'field'>) => void,
): Promise<void> {
  const who = report.role;
  const raw = entries.find((e) => e.Type === 'Bnd');
  const binding: BindingEntry | null = raw ? asBinding(raw) : null;
  if (!raw) {
    report.binding = { status: 'absent' };
    add({
      code: 'binding_absent',
      severity: 'info',
      message: `the ${who}'s signature covers the label, not the content`,
    });
    return;
  }
  const algorithm = binding ? DIGEST_BY_OID.get(binding.AlgID) : undefined;
  if (!binding || !algorithm || binding.CntSel !== CONTENT_SELECTION) {
    report.binding = { status: 'unsupported', ...(binding ? { selection: binding.CntSel } : {}) };
    add({
      code: 'binding_unsupported',
      severity: 'info',
      message: `the ${who}'s content binding uses a byte selection or hash this verifier does not know; the content is not checked`,
    });
    return;
  }
  report.binding = { status: 'unverifiable', algorithm, selection: binding.CntSel, signed: binding.Hash.toUpperCase() };
  const bindingDs = entries.find((e) => e.Type === 'DS' && tbsType(e) === TBS_BINDING);
  const sig = bindingDs ? fromHex(bindingDs['Signature']) : null;
  if (!sig || !key.verify(bindingMessage(message, binding), sig)) {
    report.status = 'invalid';
    add({
      code: 'signature_invalid',
      severity: 'error',
      message: `the ${who}'s content binding is not covered by a valid signature: it was changed after signing`,
    });
    return;
  }
  let actual: Uint8Array | null;
  try {
    actual = await ctx.digest(algorithm);
  } catch (e) {
    if (!isHeguiError(e)) throw e;
    // The writer refuses the file now (a CRC or a structure broken since it was signed): the content cannot be shown
    // to be the one signed.
    add({
      code: 'structure_damaged',
      severity: 'error',
      message: `the file cannot be put in its canonical form to check the ${who}'s content binding: ${e.message}`,
    });
    return;
  }
  if (!actual) {
    add({
      code: 'binding_unverifiable',
      severity: 'warning',
      message: `the ${who}'s content binding cannot be computed for this format (no writer, so no canonical form)`,
    });
    return;
  }
  report.binding.actual = toHex(actual);
  if (report.binding.actual === report.binding.signed) {
    report.binding.status = 'match';
    return;
  }
  report.binding.status = 'mismatch';
  add({
    code: 'content_changed',
    severity: 'error',
    message: `the content changed since the ${who} signed it: its ${algorithm} binding no longer matches the file`,
  });
}
