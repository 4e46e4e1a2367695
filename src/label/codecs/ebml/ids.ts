/**
 * EBML (RFC 8794) and Matroska (RFC 9559) element IDs used by the label codec. IDs keep their VINT marker bits, as
 * the specifications write them.
 */
export const ID = {
  EBML: 0x1a45dfa3,
  EBMLVersion: 0x4286,
  EBMLReadVersion: 0x42f7,
  EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,
  Void: 0xec,
  CRC32: 0xbf,

  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  Tracks: 0x1654ae6b,
  Chapters: 0x1043a770,
  Cluster: 0x1f43b675,
  Cues: 0x1c53bb6b,
  Attachments: 0x1941a469,
  Tags: 0x1254c367,

  Tag: 0x7373,
  Targets: 0x63c0,
  SimpleTag: 0x67c8,
  TagName: 0x45a3,
  TagString: 0x4487,
  TagBinary: 0x4485,

  // Cluster children (RFC 9559 §5.1.3), scanned only to find the end of an unknown-size Cluster.
  Timestamp: 0xe7,
  SilentTracks: 0x5854,
  Position: 0xa7,
  PrevSize: 0xab,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  EncryptedBlock: 0xaf,
} as const;

/** Children of Segment (RFC 9559 §5.1). Any of these, or a new EBML header or Segment, ends an unknown-size Cluster. */
export const SEGMENT_CHILDREN: ReadonlySet<number> = new Set([
  ID.SeekHead,
  ID.Info,
  ID.Tracks,
  ID.Chapters,
  ID.Cluster,
  ID.Cues,
  ID.Attachments,
  ID.Tags,
]);

/** Elements that may appear inside a Cluster; Void and CRC-32 are global (RFC 8794 §11.3). */
export const CLUSTER_CHILDREN: ReadonlySet<number> = new Set([
  ID.Timestamp,
  ID.SilentTracks,
  ID.Position,
  ID.PrevSize,
  ID.SimpleBlock,
  ID.BlockGroup,
  ID.EncryptedBlock,
  ID.Void,
  ID.CRC32,
]);

/** Short names for messages (never file content). */
export function idName(id: number): string {
  for (const [name, v] of Object.entries(ID)) if (v === id) return name;
  return `0x${id.toString(16).toUpperCase()}`;
}
