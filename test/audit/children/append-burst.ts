/**
 * Child process of crash.test.ts: append bursts of events until killed. After each commit it prints
 * "ack <index> <seq>" for every entry of the transaction: an acknowledged append.
 */
import { createAuditLog } from '../../../src/platform/audit/create-audit-log.ts';
import { openStore } from '../../../src/store/index.ts';

const [options, keyFile, tag] = process.argv.slice(2) as [string, string, string];
const store = openStore(JSON.parse(options));
const { log } = await createAuditLog(store, { signingKeyFile: keyFile, checkpoint: { everyEntries: 25 } });
console.log('ready');
for (let seq = 0; ; ) {
  const n = 1 + (seq % 4);
  const done: string[] = [];
  await store.transaction(async (trx) => {
    for (let k = 0; k < n; k++, seq++) {
      const e = await log.append(trx, {
        type: 'test.burst',
        actor: `system:${tag}`,
        subject: null,
        payload: { tag, seq },
      });
      done.push(`ack ${e.index} ${seq}`);
    }
  });
  process.stdout.write(`${done.join('\n')}\n`);
}
