import { type LabelTextOptions, labelText } from './label-text.ts';

interface ChatChoice {
  message?: { content?: unknown } | null;
}

/**
 * The explicit label in a non-streamed OpenAI-style chat completion: `choices[i].message.content` of every choice is
 * labelled as Markdown (unless `format` says otherwise); everything else is kept. Returns a new object.
 */
export function labelChatCompletion<T extends { choices?: unknown }>(body: T, options: LabelTextOptions = {}): T {
  if (!Array.isArray(body.choices)) return body;
  const choices = (body.choices as ChatChoice[]).map((c) => {
    const content = c?.message?.content;
    if (typeof content !== 'string') return c;
    return { ...c, message: { ...c.message, content: labelText(content, { format: 'markdown', ...options }) } };
  });
  return { ...body, choices };
}
