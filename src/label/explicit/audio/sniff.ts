import { ascii } from '../../io/bytes.ts';

/**
 * Whether a file found in a folder walk looks like audio this labeller handles, by its first bytes: WAV, FLAC, Ogg,
 * MP3 (an ID3v2 tag or an MPEG audio frame) or an M4A/M4B (`ftyp` with an audio brand). Files named directly are
 * always tried: ffprobe has the last word.
 */
export function looksLikeAudio(head: Uint8Array): boolean {
  if (head.length < 12) return false;
  const at0 = ascii(head, 0, 4);
  if (at0 === 'RIFF' && ascii(head, 8, 4) === 'WAVE') return true;
  if (at0 === 'fLaC' || at0 === 'OggS') return true;
  if (ascii(head, 0, 3) === 'ID3') return true;
  if (head[0] === 0xff && (head[1]! & 0xe0) === 0xe0 && (head[1]! & 0x06) !== 0) return true;
  return ascii(head, 4, 4) === 'ftyp' && ['M4A ', 'M4B '].includes(ascii(head, 8, 4));
}
