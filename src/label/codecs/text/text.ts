import { HeguiError } from '../../../errors.ts';
import type { Codec, CodecReadResult } from '../codec.ts';
import { looksLikeUtf8Text } from './utf8.ts';

const NO_CONTAINER =
  'plain text has no metadata container for a GB 45438 App. E label; add an explicit text label instead (GB 45438 §5, e.g. a first line "本内容由人工智能生成")';

/**
 * Plain UTF-8 text with no container of its own (including Markdown without front matter, which cannot be told from
 * it by its bytes: a write path that knows the file is named `.md` hands it to the Markdown codec instead). It has
 * nowhere to hold a metadata label: GB 45438 §5 and the text guide TC260-PG-20258A label such text with an explicit
 * prompt in the text itself, which the explicit-label tools add and verify. Recognised so that inspection names the
 * format, never written. Registered last: every other format is tried first.
 */
export const textCodec: Codec = {
  id: 'text',
  name: 'Plain text',
  kind: 'document',
  mimeTypes: ['text/plain'],
  extensions: ['txt', 'text'],
  noContainer: NO_CONTAINER,

  sniff: (src) => looksLikeUtf8Text(src.head, src.size),

  async read(): Promise<CodecReadResult> {
    return { sites: [], warnings: [] };
  },

  async write(): Promise<void> {
    throw new HeguiError('format_unsupported', NO_CONTAINER);
  },

  async describe(): Promise<string> {
    return 'Plain text (UTF-8)';
  },
};
