/**
 * The labelling policy file, as JSON (README "Labelling policy"): which labels each kind of service puts on its
 * output. Shape only here, checked by zod with one message per problem; what the values mean under GB 45438 (label
 * texts, sizes, spans, rhythm ranges) is checked in `validate.ts` by the renderers' own rules.
 */
import { z } from 'zod';
import { AUDIO_LABEL_POSITIONS } from '../explicit/audio/label-audio.ts';
import { LABEL_POSITIONS } from '../explicit/layout.ts';
import { PLATE_MODES } from '../explicit/options.ts';
import { TEXT_LABEL_MODES } from '../explicit/text/options.ts';
import { VIDEO_SPANS } from '../explicit/video-span.ts';
import { SIGNATURE_ALGORITHMS } from '../security/keys.ts';
import { SERVICE_TYPES } from './service-types.ts';

export const POLICY_VERSION = 1;

const picture = {
  /** The label text; must hold the AI and the generation element (GB 45438 §5). */
  text: z.string().optional(),
  position: z.enum(LABEL_POSITIONS).optional(),
  /** Ink height as a share of the shortest side, at least 0.05 (GB 45438 §5.2). */
  heightRatio: z.number().optional(),
};

const imageSchema = z.strictObject({
  ...picture,
  /** How the plate is chosen: from the pixels under it (default), or for any background without looking. */
  plate: z.enum(PLATE_MODES).optional(),
});
const videoSchema = z.strictObject({
  ...picture,
  span: z.enum(VIDEO_SPANS).optional(),
  /** Seconds shown at the start (and end), at least 2 (GB 45438 §5.4). */
  duration: z.number().optional(),
});
const rhythmSchema = z.strictObject({
  unitMs: z.number().optional(),
  frequencyHz: z.number().optional(),
  levelDbfs: z.number().optional(),
});
const audioSchema = z.strictObject({
  position: z.enum(AUDIO_LABEL_POSITIONS).optional(),
  rhythm: z.union([z.boolean(), rhythmSchema]).optional(),
  /** A recording of the spoken prompt, relative to the policy file. */
  prompt: z.string().min(1).optional(),
  gapMs: z.number().optional(),
});
const textSchema = z.strictObject({
  mode: z.enum(TEXT_LABEL_MODES).optional(),
  text: z.string().optional(),
  corner: z.enum(['start', 'end']).optional(),
  minChars: z.number().int().min(0).optional(),
});

const explicitSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /**
   * `interface`: the service's interface shows the label continuously next to the content (GB 45438 §5, the
   * interactive-interface form), so files carry the metadata label only. The one way to switch the explicit label
   * off for an Art. 17 ¶1 service.
   */
  shownBy: z.literal('interface', { error: 'shownBy can only be "interface"' }).optional(),
  image: imageSchema.optional(),
  video: videoSchema.optional(),
  audio: audioSchema.optional(),
  text: textSchema.optional(),
});

const metadataSchema = z.unknown().refine((v) => v === undefined || v === true, {
  message:
    'the metadata label cannot be switched off: GB 45438 §6 and Labelling Measures Art. 5 require it in every file that can hold it (leave it out or set it to true)',
});

const signatureSchema = z.union(
  [
    z.literal(false),
    z.strictObject({
      /** PEM private key (PKCS#8), relative to the policy file. */
      key: z.string().min(1),
      algorithm: z.enum(SIGNATURE_ALGORITHMS).optional(),
    }),
  ],
  { error: 'signature must be false or { "key": "PATH", "algorithm": "sm2" | "ed25519" }' },
);

const watermarkSchema = z.unknown().refine((v) => v === undefined || v === false, {
  message:
    'digital watermarks are not available in this version of Hegui; set "watermark" to false or leave it out (the metadata label and the explicit label are written)',
});

const onRequestSchema = z.union(
  [
    z.literal(false),
    z.strictObject({
      allowed: z.boolean(),
      /** Where the user agreement states the user's labelling duty and responsibility (Labelling Measures Art. 9). */
      agreement: z.string().trim().min(1).max(200).optional(),
    }),
  ],
  { error: 'withoutExplicitOnRequest must be false or { "allowed": true, "agreement": "…" }' },
);

export const serviceSettingsSchema = z.strictObject({
  explicit: explicitSchema.optional(),
  metadata: metadataSchema.optional(),
  signature: signatureSchema.optional(),
  watermark: watermarkSchema.optional(),
  withoutExplicitOnRequest: onRequestSchema.optional(),
});
export type ServiceSettingsInput = z.infer<typeof serviceSettingsSchema>;

export const policySchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(POLICY_VERSION, { error: `"version" must be ${POLICY_VERSION}` }),
  description: z.string().max(1000).optional(),
  /** The service type used when a caller names none. */
  serviceType: z.enum(SERVICE_TYPES).optional(),
  /** Settings for every service type, under each type's own. */
  defaults: serviceSettingsSchema.optional(),
  services: z
    .strictObject(Object.fromEntries(SERVICE_TYPES.map((t) => [t, serviceSettingsSchema.optional()])))
    .optional(),
});
export type PolicyInput = z.infer<typeof policySchema>;
