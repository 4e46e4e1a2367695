/** What changed between two library versions: entries added, removed and changed (by id), and the rest. */
import { ENTRY_FIELDS, type FeatureEntry, type FeatureLibraryVersion } from './model.ts';

export interface LibraryDiff {
  from: { version: number; contentHash: string };
  to: { version: number; contentHash: string };
  added: FeatureEntry[];
  removed: FeatureEntry[];
  changed: { id: string; fields: string[]; before: FeatureEntry; after: FeatureEntry }[];
  allow: { added: string[]; removed: string[] };
  commonWords: { added: string[]; removed: string[] };
  cooccurrence: { added: string[]; removed: string[]; changed: string[] };
  settingsChanged: boolean;
  same: boolean;
}

function setDiff(a: readonly string[], b: readonly string[]) {
  const A = new Set(a);
  const B = new Set(b);
  return { added: b.filter((x) => !A.has(x)), removed: a.filter((x) => !B.has(x)) };
}

export function diffVersions(a: FeatureLibraryVersion, b: FeatureLibraryVersion): LibraryDiff {
  const A = new Map(a.entries.map((e) => [e.id, e]));
  const B = new Map(b.entries.map((e) => [e.id, e]));
  const added = b.entries.filter((e) => !A.has(e.id));
  const removed = a.entries.filter((e) => !B.has(e.id));
  const changed: LibraryDiff['changed'] = [];
  for (const after of b.entries) {
    const before = A.get(after.id);
    if (!before) continue;
    const fields = ENTRY_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
    if (fields.length) changed.push({ id: after.id, fields, before, after });
  }
  const ca = new Map(a.cooccurrence.map((c) => [c.id, JSON.stringify(c)]));
  const cb = new Map(b.cooccurrence.map((c) => [c.id, JSON.stringify(c)]));
  const cooccurrence = {
    ...setDiff([...ca.keys()], [...cb.keys()]),
    changed: [...cb.keys()].filter((id) => ca.has(id) && ca.get(id) !== cb.get(id)),
  };
  const d: Omit<LibraryDiff, 'same'> = {
    from: { version: a.version, contentHash: a.contentHash },
    to: { version: b.version, contentHash: b.contentHash },
    added,
    removed,
    changed,
    allow: setDiff(a.allow, b.allow),
    commonWords: setDiff(a.commonWords, b.commonWords),
    cooccurrence,
    settingsChanged: JSON.stringify(a.settings) !== JSON.stringify(b.settings),
  };
  const same =
    !added.length &&
    !removed.length &&
    !changed.length &&
    !d.allow.added.length &&
    !d.allow.removed.length &&
    !d.commonWords.added.length &&
    !d.commonWords.removed.length &&
    !cooccurrence.added.length &&
    !cooccurrence.removed.length &&
    !cooccurrence.changed.length &&
    !d.settingsChanged;
  return { ...d, same };
}
