/**
 * The tamper-evident log over HTTP (Provisions Art. 16, 21; Cybersecurity Law Art. 21): the latest signed checkpoint
 * with the public keys that check it, RFC 9162 inclusion and consistency proofs, and the regulator export — a bundle
 * written under `<data dir>/exports/<id>/` (verifiable offline with `hegui log verify DIR`) whose manifest is returned.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { HeguiError } from '../../errors.ts';
import { actorRef } from '../../platform/actor.ts';
import { exportForRegulator } from '../../platform/audit/export/regulator-export.ts';
import { SqlAuditStore } from '../../platform/audit/sql-audit-store.ts';
import type { Platform } from '../../platform/platform.ts';
import { newId } from '../../store/ids.ts';
import { type AnyRoute, route } from '../route.ts';

const hex = z.string().regex(/^[0-9a-f]*$/);
const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const checkpointView = z.object({
  logId: z.string(),
  treeSize: z.number().int(),
  rootHash: hex,
  createdAt: z.string(),
  keyId: z.string(),
  algorithm: z.string(),
  signature: z.string().describe('base64, over the checkpoint text (see the README: C2SP tlog-checkpoint layout)'),
});
const publicKeyView = z.object({ keyId: z.string(), algorithm: z.string(), publicKey: z.string() });

export function logRoutes(p: Platform, o: { exportsDir: string }): AnyRoute[] {
  const sql = new SqlAuditStore(p.store.db, p.store.dialect);
  const publicKeys = async () =>
    (await sql.publicKeys()).map((k) => ({ keyId: k.keyId, algorithm: k.algorithm, publicKey: k.publicKey }));
  return [
    route({
      method: 'GET',
      url: '/api/log/checkpoint',
      summary: 'The latest signed checkpoint of the log, the current size, and the public keys that check signatures',
      tags: ['log'],
      access: 'log.read',
      response: z.object({
        checkpoint: checkpointView,
        treeSize: z.number().int().describe('entries now (the checkpoint may be a little behind)'),
        publicKeys: z.array(publicKeyView),
      }),
      handler: async () => {
        const checkpoint = await p.audit.log.latestCheckpoint();
        if (!checkpoint) throw new HeguiError('not_found', 'no checkpoint has been signed yet');
        const head = await p.audit.log.head();
        return { checkpoint, treeSize: head.treeSize, publicKeys: await publicKeys() };
      },
    }),
    route({
      method: 'GET',
      url: '/api/log/inclusion-proof',
      summary: 'RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries (default: now)',
      tags: ['log'],
      access: 'log.read',
      query: z.object({ index: size, treeSize: size.min(1).optional() }),
      response: z.object({
        index: z.number().int(),
        treeSize: z.number().int(),
        leafHash: hex,
        rootHash: hex,
        path: z.array(hex),
      }),
      handler: async ({ query }) => p.audit.log.inclusionProof(query.index, query.treeSize),
    }),
    route({
      method: 'GET',
      url: '/api/log/consistency-proof',
      summary:
        'RFC 9162 consistency proof: the tree of `first` entries is a prefix of the tree of `second` (default: now)',
      tags: ['log'],
      access: 'log.read',
      query: z.object({ first: size.min(1), second: size.min(1).optional() }),
      response: z.object({
        first: z.number().int(),
        second: z.number().int(),
        firstRootHash: hex,
        secondRootHash: hex,
        path: z.array(hex),
      }),
      handler: async ({ query }) => p.audit.log.consistencyProof(query.first, query.second),
    }),
    route({
      method: 'POST',
      url: '/api/log/exports',
      summary:
        'Regulator export (Art. 21) of the entries logged in [from, to): written under the data folder ' +
        '(exports/<id>/: events.jsonl, events.csv, manifest.json); answers its id, folder and manifest',
      tags: ['log'],
      access: 'log.export',
      status: 201,
      body: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
      response: z.object({
        id: z.string(),
        directory: z.string(),
        manifest: z.record(z.string(), z.unknown()),
      }),
      handler: async ({ body, principal }) => {
        const id = newId();
        const directory = join(o.exportsDir, id);
        const manifest = await exportForRegulator(p.store, p.audit.log, {
          from: body.from,
          to: body.to,
          outDir: directory,
          actor: actorRef(principal.actor),
        });
        return { id, directory, manifest: manifest as unknown as Record<string, unknown> };
      },
    }),
  ];
}
