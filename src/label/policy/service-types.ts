/**
 * The kinds of deep synthesis service a labelling policy is written for. The first five are Provisions Art. 17 ¶1
 * (1)–(5): where the public could be confused they must carry an explicit label (Labelling Measures Art. 4). `other` is
 * Art. 17 ¶2: services beyond those five must *offer* explicit labelling and tell users they may use it, so the
 * explicit label is optional there. The metadata label is required for all of them (Provisions Art. 16; Measures
 * Art. 5; GB 45438 §6).
 */
export const SERVICE_TYPES = [
  'text-dialogue-writing',
  'synthetic-voice',
  'face-generation',
  'immersive-scene',
  'other-generation',
  'other',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export interface ServiceTypeInfo {
  /** Where the law names it. */
  basis: string;
  /** The names the Provisions use. */
  zh: string;
  /** Whether the explicit label is required (Art. 17 ¶1) or only offered (Art. 17 ¶2). */
  explicitRequired: boolean;
}

export const SERVICE_TYPE_INFO: Record<ServiceType, ServiceTypeInfo> = {
  'text-dialogue-writing': { basis: 'Provisions Art. 17 ¶1 (1)', zh: '智能对话、智能写作', explicitRequired: true },
  'synthetic-voice': { basis: 'Provisions Art. 17 ¶1 (2)', zh: '合成人声、仿声', explicitRequired: true },
  'face-generation': {
    basis: 'Provisions Art. 17 ¶1 (3)',
    zh: '人脸生成、人脸替换、人脸操控、姿态操控',
    explicitRequired: true,
  },
  'immersive-scene': { basis: 'Provisions Art. 17 ¶1 (4)', zh: '沉浸式拟真场景', explicitRequired: true },
  'other-generation': {
    basis: 'Provisions Art. 17 ¶1 (5)',
    zh: '其他具有生成或者显著改变信息内容功能的服务',
    explicitRequired: true,
  },
  other: { basis: 'Provisions Art. 17 ¶2', zh: '前款规定之外的深度合成服务', explicitRequired: false },
};

export const isServiceType = (v: unknown): v is ServiceType =>
  typeof v === 'string' && (SERVICE_TYPES as readonly string[]).includes(v);
