/**
 * Every labelling choice the gateway makes, in one place (GB 45438-2025): text gets the explicit prompt at the start
 * (§5.1: a prompt at the start, end or middle; the start is seen before anything is read), images the visible mark in
 * the default corner at the standard's minimum height (§5.2), audio the rhythm "短长 短短" before the content (§5.3);
 * images and audio also carry the App. E metadata label (§6), signed by the provider's key when one is configured.
 */
// The codecs register themselves when imported; labelBytes finds them through the registry.
import '../label/codecs/index.ts';
import { createLabel } from '../label/aigc/record.ts';
import { labelAudioBytes } from '../label/explicit/audio/label-audio.ts';
import { renderImageLabel } from '../label/explicit/image.ts';
import type { LabelTextOptions } from '../label/explicit/text/label-text.ts';
import type { StreamLabelOptions } from '../label/explicit/text/stream.ts';
import { labelBytesResult } from '../label/label-file.ts';
import type { LabelSigner } from '../label/security/keys.ts';

export const TEXT_LABEL: LabelTextOptions & StreamLabelOptions = { mode: 'prefix', format: 'markdown' };

export interface MediaLabelled {
  bytes: Uint8Array;
  signed: boolean;
}

export class LabelPolicy {
  constructor(
    readonly producer: string,
    readonly signer: LabelSigner | null,
  ) {}

  readonly text = TEXT_LABEL;

  async image(bytes: Uint8Array, produceId: string): Promise<MediaLabelled> {
    const drawn = await renderImageLabel(bytes);
    return this.#metadata(drawn.data, produceId);
  }

  async audio(bytes: Uint8Array, produceId: string): Promise<MediaLabelled> {
    const heard = await labelAudioBytes(bytes, { position: 'before', rhythm: true });
    return this.#metadata(heard, produceId);
  }

  async #metadata(bytes: Uint8Array, produceId: string): Promise<MediaLabelled> {
    const label = createLabel({ producer: this.producer, produceId });
    const out = await labelBytesResult(bytes, label, this.signer ? { sign: { signer: this.signer } } : {});
    return { bytes: out.bytes, signed: this.signer !== null };
  }
}
