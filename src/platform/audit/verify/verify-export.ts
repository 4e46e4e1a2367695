/**
 * Offline verification of a regulator export: file hashes, every entry's own hashes, the run of exported entries
 * against the signed checkpoint (through the inclusion paths of its first and last entry), the consistency of that
 * checkpoint with the latest one, the signatures, and the CSV against the JSON lines.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type SignedCheckpoint, verifyCheckpointSignature } from '../checkpoint.ts';
import { parseCsv } from '../export/csv.ts';
import {
  CSV_HEADER,
  EVENTS_CSV,
  EVENTS_JSONL,
  EXPORT_FORMAT,
  type ExportedEntry,
  type ExportManifest,
  MANIFEST,
} from '../export/manifest.ts';
import { csvRow } from '../export/regulator-export.ts';
import { rootFromRun } from '../merkle/range-root.ts';
import { verifyConsistency, verifyInclusion } from '../merkle/verify.ts';
import { keyIdOf } from '../signing-key.ts';
import { checkEntry } from './entry-check.ts';
import { ProblemList, type VerifyReport } from './report.ts';

export async function verifyExport(dir: string, opts: { publicKeys?: string[] } = {}): Promise<VerifyReport> {
  const problems = new ProblemList();
  try {
    return await verifyManifestAndFiles(dir, opts, problems);
  } catch (e) {
    // A manifest whose fields are missing or of the wrong type: a finding, not a crash.
    problems.add('export_malformed', `the export cannot be checked: ${(e as Error).message}`);
    return report(dir, problems, 0, 0, '', null, []);
  }
}

async function verifyManifestAndFiles(
  dir: string,
  opts: { publicKeys?: string[] },
  problems: ProblemList,
): Promise<VerifyReport> {
  let m: ExportManifest;
  try {
    m = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as ExportManifest;
    if (m.format !== EXPORT_FORMAT) throw new Error('format');
  } catch {
    problems.add('export_malformed', `${MANIFEST} is missing or is not a ${EXPORT_FORMAT} manifest`);
    return report(dir, problems, 0, 0, '', null, []);
  }

  for (const f of m.files ?? []) {
    const actual = await sha256File(join(dir, f.name));
    if (actual === null) problems.add('file_missing', `${f.name} is missing`);
    else if (actual !== f.sha256)
      problems.add('file_hash_mismatch', `${f.name} does not match its SHA-256 in the manifest`);
  }

  const trusted = new Map<string, string>();
  for (const pem of opts.publicKeys ?? m.publicKeys.map((k) => k.publicKey))
    trusted.set(keyIdOf(createPublicKey(pem)), pem);
  for (const c of [m.checkpoint, m.latestCheckpoint]) checkSignature(c, trusted, problems);

  // The entries: their own hashes, contiguous indices, and their leaf hashes for the run check.
  const leaves: Buffer[] = [];
  let expected = m.entries.first ?? 0;
  let previous: string | null = null;
  let purged = 0;
  for await (const e of jsonLines(join(dir, EVENTS_JSONL), problems)) {
    if (e.index !== expected) {
      problems.add('entry_missing', `entry ${expected} is missing from ${EVENTS_JSONL} (found ${e.index})`, expected);
      break;
    }
    if (e.payload === null) purged++;
    checkEntry(
      {
        ...e,
        payloadSha256: Buffer.from(e.payloadSha256, 'hex'),
        leafHash: Buffer.from(e.leafHash, 'hex'),
      },
      previous,
      problems,
    );
    previous = e.loggedAt;
    leaves.push(Buffer.from(e.leafHash, 'hex'));
    expected++;
  }
  if (leaves.length !== m.entries.count) {
    problems.add('entry_missing', `${EVENTS_JSONL} has ${leaves.length} entries; the manifest says ${m.entries.count}`);
  }

  const cp = m.checkpoint;
  const first = m.entries.first;
  if (first !== null && leaves.length > 0 && leaves.length === m.entries.count) {
    const last = first + leaves.length - 1;
    const root = Buffer.from(cp.rootHash, 'hex');
    const p1 = (m.proofs.first ?? []).map((h) => Buffer.from(h, 'hex'));
    const p2 = (m.proofs.last ?? []).map((h) => Buffer.from(h, 'hex'));
    if (!verifyInclusion(leaves[0]!, first, cp.treeSize, p1, root)) {
      problems.add(
        'proof_invalid',
        `the first entry ${first} is not proven in the checkpoint of ${cp.treeSize}`,
        first,
      );
    }
    if (!verifyInclusion(leaves.at(-1)!, last, cp.treeSize, p2, root)) {
      problems.add('proof_invalid', `the last entry ${last} is not proven in the checkpoint of ${cp.treeSize}`, last);
    }
    if (!rootFromRun(cp.treeSize, first, leaves, p1, p2)?.equals(root)) {
      problems.add(
        'proof_invalid',
        `entries ${first}–${last} do not produce the checkpoint's root (altered)`,
        first,
        'checkpoint',
      );
    }
  }
  const latest = m.latestCheckpoint;
  const consistency = m.proofs.consistency.map((h) => Buffer.from(h, 'hex'));
  const c1 = Buffer.from(cp.rootHash, 'hex');
  const c2 = Buffer.from(latest.rootHash, 'hex');
  if (cp.treeSize > 0 && !verifyConsistency(cp.treeSize, latest.treeSize, c1, c2, consistency)) {
    problems.add(
      'proof_invalid',
      `the checkpoint of ${cp.treeSize} is not proven a prefix of the latest (${latest.treeSize})`,
    );
  }

  await compareCsv(dir, problems);
  return report(dir, problems, leaves.length, purged, cp.rootHash, m, [...trusted.keys()]);
}

async function* jsonLines(file: string, problems: ProblemList): AsyncGenerator<ExportedEntry> {
  let n = 0;
  try {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
      n++;
      if (line === '') continue;
      try {
        yield JSON.parse(line) as ExportedEntry;
      } catch {
        problems.add('export_malformed', `${EVENTS_JSONL} line ${n} is not JSON`);
        return;
      }
    }
  } catch {
    // a missing file is reported with the file hashes
  }
}

/** Each CSV row must say what the JSON line of the same entry says. */
async function compareCsv(dir: string, problems: ProblemList): Promise<void> {
  const rows = parseCsv(createReadStream(join(dir, EVENTS_CSV)));
  const lines = jsonLines(join(dir, EVENTS_JSONL), new ProblemList());
  try {
    const header = await rows.next();
    if (header.done || header.value.join(',') !== CSV_HEADER.join(',')) {
      problems.add('export_malformed', `${EVENTS_CSV} does not start with the expected header`);
      return;
    }
    for (;;) {
      const [r, l] = await Promise.all([rows.next(), lines.next()]);
      if (r.done || l.done) {
        if (!r.done || !l.done) problems.add('export_malformed', `${EVENTS_CSV} and ${EVENTS_JSONL} differ in length`);
        return;
      }
      if (r.value.join('\u0000') !== csvRow(l.value).map(unquote).join('\u0000')) {
        problems.add(
          'export_malformed',
          `${EVENTS_CSV} differs from ${EVENTS_JSONL} at entry ${l.value.index}`,
          l.value.index,
        );
        return;
      }
    }
  } catch {
    // a missing file is reported with the file hashes
  }
}

/** A cell as the parser returns it (csvRow gives it quoted for writing). */
function unquote(cell: string): string {
  return cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
}

function checkSignature(c: SignedCheckpoint, trusted: Map<string, string>, problems: ProblemList): void {
  const pem = trusted.get(c.keyId);
  if (!pem)
    problems.add(
      'checkpoint_key_unknown',
      `the checkpoint at size ${c.treeSize} is signed by an unknown key ${c.keyId}`,
    );
  else if (!verifyCheckpointSignature(c, pem)) {
    problems.add('checkpoint_signature_invalid', `the signature of the checkpoint at size ${c.treeSize} is invalid`);
  }
}

async function sha256File(file: string): Promise<string | null> {
  try {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
    return h.digest('hex');
  } catch {
    return null;
  }
}

function report(
  dir: string,
  problems: ProblemList,
  entries: number,
  purged: number,
  rootHash: string,
  m: ExportManifest | null,
  keys: string[],
): VerifyReport {
  const latest = m?.latestCheckpoint;
  return {
    ok: problems.count === 0,
    kind: 'export',
    source: dir,
    entries,
    purged,
    rootHash,
    checkpoints: {
      checked: m ? 2 : 0,
      latest: latest ? { treeSize: latest.treeSize, rootHash: latest.rootHash, keyId: latest.keyId } : null,
    },
    keys: keys.map((keyId) => ({
      keyId,
      algorithm: m?.publicKeys.find((k) => k.keyId === keyId)?.algorithm ?? 'ed25519',
    })),
    firstBadEntry: problems.firstBadEntry,
    problems: problems.list,
    problemCount: problems.count,
  };
}
