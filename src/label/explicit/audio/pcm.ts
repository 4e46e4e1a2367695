/**
 * Label samples (float, −1…1) written as PCM: integer samples of `validBits` significant bits in a container of
 * `containerBits` (MSB-aligned, as WAVE_FORMAT_EXTENSIBLE and ffmpeg's s32 for 24-bit audio store them), 8-bit
 * unsigned as WAV keeps it, or IEEE float; little-endian.
 */
export interface PcmLayout {
  kind: 'int' | 'float';
  containerBits: 8 | 16 | 24 | 32 | 64;
  validBits: number;
}

export function encodePcm(samples: Float32Array, layout: PcmLayout): Uint8Array {
  const bytes = layout.containerBits / 8;
  const out = new Uint8Array(samples.length * bytes);
  const dv = new DataView(out.buffer);
  if (layout.kind === 'float') {
    for (let i = 0; i < samples.length; i++) {
      if (bytes === 4) dv.setFloat32(i * 4, samples[i]!, true);
      else dv.setFloat64(i * 8, samples[i]!, true);
    }
    return out;
  }
  const max = 2 ** (layout.validBits - 1) - 1;
  const shift = 2 ** (layout.containerBits - layout.validBits);
  for (let i = 0; i < samples.length; i++) {
    const x = Math.max(-1, Math.min(1, samples[i]!));
    const v = Math.round(x * max) * shift;
    const o = i * bytes;
    if (bytes === 1) out[o] = v + 128;
    else if (bytes === 2) dv.setInt16(o, v, true);
    else if (bytes === 3) {
      const u = v < 0 ? v + 0x1000000 : v;
      out[o] = u & 0xff;
      out[o + 1] = (u >> 8) & 0xff;
      out[o + 2] = (u >> 16) & 0xff;
    } else dv.setInt32(o, v, true);
  }
  return out;
}
