/**
 * A mono WAV file around PCM samples, written by hand so tests know every byte: 16-bit integer samples (format 1) or
 * 32-bit float samples (format 3, WAVE_FORMAT_IEEE_FLOAT).
 */
export function monoWav(samples: Int16Array | Float32Array, rate: number): Buffer {
  const float = samples instanceof Float32Array;
  const bytes = samples.BYTES_PER_ELEMENT;
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(float ? 3 : 1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * bytes, 28);
  h.writeUInt16LE(bytes, 32);
  h.writeUInt16LE(bytes * 8, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
