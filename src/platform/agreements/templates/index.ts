/**
 * Shipped TEMPLATES for the documents of Provisions Art. 8 and Labelling Measures Art. 8, in Chinese and English.
 * They are starting points, not legal advice: an operator must adapt them. Placeholders `{{name}}` are filled from the
 * configuration (`agreements.placeholders`); a document that still holds one is published with `template: true`.
 */
import type { DocumentKind, Locale } from '../agreement.ts';
import { EN } from './en.ts';
import { ZH } from './zh.ts';

export interface TemplateText {
  title: string;
  body: string;
}

export const TEMPLATES: Record<DocumentKind, Record<Locale, TemplateText>> = {
  platform_rules: { zh: ZH.platform_rules, en: EN.platform_rules },
  user_convention: { zh: ZH.user_convention, en: EN.user_convention },
  user_agreement: { zh: ZH.user_agreement, en: EN.user_agreement },
};

export const TEMPLATE_PLACEHOLDERS = [
  'operator.name',
  'operator.contact',
  'service.name',
  'filing.number',
  'complaints.entry',
  'complaints.deadlineDays',
  'logs.retentionMonths',
] as const;

export function fillPlaceholders(text: string, values: Record<string, string>): { text: string; unfilled: string[] } {
  const unfilled = new Set<string>();
  const out = text.replace(/\{\{([a-zA-Z0-9_.]+)\}\}/g, (m, key: string) => {
    const v = values[key];
    if (v === undefined || v === '') {
      unfilled.add(key);
      return m;
    }
    return v;
  });
  return { text: out, unfilled: [...unfilled] };
}
