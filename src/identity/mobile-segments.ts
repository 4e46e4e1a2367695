/**
 * Mainland mobile number segments (号段) by the carrier they were allocated to, as allocated by MIIT up to 2025.
 * Since number portability (携号转网, nationwide from 2019-11) the segment names the original carrier, which is not
 * necessarily the current one. 13-digit IoT ranges (1440, 146, 148, 1400, 1410) are left out: they are not 11-digit
 * subscriber numbers.
 */
export type Carrier = 'China Mobile' | 'China Unicom' | 'China Telecom' | 'China Broadnet';
/** 'data': data-only SIM ranges (上网卡); 'mvno': resold by a virtual operator on the carrier's network. */
export type SegmentService = 'mobile' | 'data' | 'mvno' | 'satellite';

export interface Segment {
  carrier: Carrier;
  service: SegmentService;
}

const TABLE: Record<Carrier, Partial<Record<SegmentService, string>>> = {
  'China Mobile': {
    mobile:
      '1340 1341 1342 1343 1344 1345 1346 1347 1348 135 136 137 138 139 150 151 152 157 158 159 172 178 182 183 184 ' +
      '187 188 195 197 198',
    data: '147',
    mvno: '165 1703 1705 1706',
  },
  'China Unicom': {
    mobile: '130 131 132 155 156 166 175 176 185 186 196',
    data: '145',
    mvno: '167 171 1704 1707 1708 1709',
  },
  'China Telecom': {
    mobile: '133 153 173 177 180 181 189 190 191 193 199',
    data: '149',
    mvno: '162 1700 1701 1702',
    satellite: '1349 17400 17401 17402 17403 17404 17405',
  },
  'China Broadnet': { mobile: '192' },
};

const SEGMENTS = new Map<string, Segment>();
for (const [carrier, services] of Object.entries(TABLE) as [Carrier, Record<SegmentService, string>][]) {
  for (const [service, list] of Object.entries(services) as [SegmentService, string][]) {
    for (const prefix of list.split(' ')) SEGMENTS.set(prefix, { carrier, service });
  }
}

/** The segment an 11-digit national number falls in (longest prefix wins: 1349 before 134x), if allocated. */
export function segmentOf(national: string): (Segment & { prefix: string }) | undefined {
  for (const len of [5, 4, 3]) {
    const prefix = national.slice(0, len);
    const s = SEGMENTS.get(prefix);
    if (s) return { ...s, prefix };
  }
  return undefined;
}
