import { HeguiError } from '../../errors.ts';
import { charsetViolation } from '../aigc/parse.ts';
import type { AigcRecord } from '../aigc/record.ts';
import type { DigestAlgorithm } from './content-binding.ts';
import { type LabelSigner, SIGNATURE_OID, type SignatureAlgorithm } from './keys.ts';
import {
  type BindingEntry,
  bindingMessage,
  CONTENT_SELECTION,
  HASH_OID,
  labelMessage,
  type SignerRole,
  serializeSecurityData,
  signedFields,
  TBS_BINDING,
  TBS_LABEL,
  toHex,
} from './security-data.ts';

/** The content-binding hash that goes with each signature algorithm: SM3 with SM2, SHA-256 with Ed25519. */
export const digestAlgorithmFor = (alg: SignatureAlgorithm): DigestAlgorithm => (alg === 'sm2' ? 'sm3' : 'sha256');

/** Which reserved field a role signs into. */
export const reservedFieldOf = (role: SignerRole): 'ReservedCode1' | 'ReservedCode2' =>
  role === 'producer' ? 'ReservedCode1' : 'ReservedCode2';

export interface SignRecordOptions {
  signer: LabelSigner;
  role: SignerRole;
  /** The file's content binding ({@link contentDigest} with {@link digestAlgorithmFor} of the signer). */
  digest: Uint8Array;
}

/**
 * The record with the role's reserved field holding a SecurityData object: a signature over the role's label
 * fields (the guide's App. A.1 message for the producer), the content binding, a signature over both, and the public
 * key. Every other field is unchanged.
 */
export async function signRecord(record: AigcRecord, o: SignRecordOptions): Promise<AigcRecord> {
  const sigOid = SIGNATURE_OID[o.signer.alg];
  const message = labelMessage(record, signedFields(o.role));
  const binding: BindingEntry = {
    Type: 'Bnd',
    AlgID: HASH_OID[digestAlgorithmFor(o.signer.alg)],
    CntSel: CONTENT_SELECTION,
    Hash: toHex(o.digest),
  };
  const text = serializeSecurityData([
    { Type: 'DS', AlgID: sigOid, TBSData: { Type: TBS_LABEL }, Signature: toHex(await o.signer.sign(message)) },
    { ...binding },
    {
      Type: 'DS',
      AlgID: sigOid,
      TBSData: { Type: TBS_BINDING },
      Signature: toHex(await o.signer.sign(bindingMessage(message, binding))),
    },
    { Type: 'PubKey', AlgID: sigOid, KeyValue: toHex(o.signer.publicKey.spki) },
  ]);
  // GB 45438 App. E j: the object uses only printable ASCII without space or backslash; checked, not assumed.
  if (charsetViolation(text) >= 0) throw new HeguiError('label_invalid', 'the security data left the App. E j set');
  return { ...record, [reservedFieldOf(o.role)]: text };
}
