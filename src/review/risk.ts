/**
 * The 31 risks of TC260-003 Appendix A (GB/T 45654-2025): 5 categories. Every library entry, every review hit and every
 * test question carries one of these codes. Names follow the standard's wording (zh) with an English gloss.
 */
export interface Risk {
  code: RiskCode;
  category: 'A.1' | 'A.2' | 'A.3' | 'A.4' | 'A.5';
  zh: string;
  en: string;
}

export const RISK_CATEGORIES = {
  'A.1': { zh: '违反社会主义核心价值观的内容', en: 'against core socialist values' },
  'A.2': { zh: '歧视性内容', en: 'discrimination' },
  'A.3': { zh: '商业违法违规', en: 'commercial violations' },
  'A.4': { zh: '侵犯他人合法权益', en: "infringing others' rights" },
  'A.5': { zh: '无法满足特定服务类型的安全需求', en: 'unmet safety needs of special service types' },
} as const;

const R = <C extends string>(code: C, zh: string, en: string) => ({ code, zh, en });

const TABLE = [
  R(
    'A.1.a',
    '煽动颠覆国家政权、推翻社会主义制度',
    'inciting subversion of state power, overthrowing the socialist system',
  ),
  R(
    'A.1.b',
    '危害国家安全和利益、损害国家形象',
    'endangering national security and interests, harming the national image',
  ),
  R(
    'A.1.c',
    '煽动分裂国家、破坏国家统一和社会稳定',
    'inciting separatism, undermining national unity and social stability',
  ),
  R('A.1.d', '宣扬恐怖主义、极端主义', 'promoting terrorism or extremism'),
  R('A.1.e', '宣扬民族仇恨', 'promoting ethnic hatred'),
  R('A.1.f', '宣扬暴力、淫秽色情', 'promoting violence, obscenity or pornography'),
  R('A.1.g', '传播虚假有害信息', 'spreading false and harmful information'),
  R('A.1.h', '其他法律、行政法规禁止的内容', 'other content prohibited by laws and administrative regulations'),
  R('A.2.a', '民族歧视内容', 'ethnic discrimination'),
  R('A.2.b', '信仰歧视内容', 'discrimination by belief'),
  R('A.2.c', '国别歧视内容', 'discrimination by nationality'),
  R('A.2.d', '地域歧视内容', 'regional discrimination'),
  R('A.2.e', '性别歧视内容', 'gender discrimination'),
  R('A.2.f', '年龄歧视内容', 'age discrimination'),
  R('A.2.g', '职业歧视内容', 'occupational discrimination'),
  R('A.2.h', '健康歧视内容', 'health discrimination'),
  R('A.2.i', '其他方面歧视内容', 'other discrimination'),
  R('A.3.a', '侵犯他人知识产权', 'infringing intellectual property rights'),
  R('A.3.b', '违反商业道德', 'violating business ethics'),
  R('A.3.c', '泄露他人商业秘密', 'disclosing trade secrets'),
  R('A.3.d', '利用算法、数据、平台等优势，实施垄断和不正当竞争行为', 'monopoly and unfair competition'),
  R('A.3.e', '其他商业违法违规行为', 'other commercial violations'),
  R('A.4.a', '危害他人身心健康', "endangering others' physical and mental health"),
  R('A.4.b', '侵害他人肖像权', 'infringing portrait rights'),
  R('A.4.c', '侵害他人名誉权', 'infringing reputation rights'),
  R('A.4.d', '侵害他人荣誉权', 'infringing honour rights'),
  R('A.4.e', '侵害他人隐私权', 'infringing privacy rights'),
  R('A.4.f', '侵害他人个人信息权益', 'infringing personal information rights'),
  R('A.4.g', '侵犯他人其他合法权益', "infringing others' other lawful rights"),
  R(
    'A.5.a',
    '内容不准确，严重不符合科学常识或主流认知',
    'inaccurate content, seriously contrary to science or mainstream understanding',
  ),
  R('A.5.b', '内容不可靠，无法对使用者形成帮助', 'unreliable content, of no help to the user'),
] as const;

export type RiskCode = (typeof TABLE)[number]['code'];

export const RISKS: readonly Risk[] = TABLE.map((r) => ({
  ...r,
  category: r.code.slice(0, 3) as Risk['category'],
}));

/** Codes in table order; the index is the compact code used in compiled artifacts. */
export const RISK_CODES: readonly RiskCode[] = RISKS.map((r) => r.code);

const BY_CODE = new Map<string, Risk>(RISKS.map((r) => [r.code, r]));

export function isRiskCode(s: string): s is RiskCode {
  return BY_CODE.has(s);
}

export function riskByCode(code: RiskCode): Risk {
  return BY_CODE.get(code)!;
}

/** Per-entry action, most severe first in `ACTION_RANK`: block stops the content, review queues it, log records it. */
export type ReviewAction = 'block' | 'review' | 'log';
export const ACTIONS: readonly ReviewAction[] = ['block', 'review', 'log'];
export const ACTION_RANK: Readonly<Record<ReviewAction, number>> = { log: 1, review: 2, block: 3 };

/** Severity 1 (minor) … 5 (critical); it weights strikes in the enforcement ladder and orders explanations. */
export type Severity = 1 | 2 | 3 | 4 | 5;
export const DEFAULT_SEVERITY: Readonly<Record<ReviewAction, Severity>> = { block: 4, review: 2, log: 1 };

export function isSeverity(n: unknown): n is Severity {
  return n === 1 || n === 2 || n === 3 || n === 4 || n === 5;
}
