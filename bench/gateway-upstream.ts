/**
 * The model server of `npm run bench -- gateway`, in a process of its own as in a deployment: the OpenAI-compatible
 * upstream of the tests (test/gateway/upstream.ts), which the clients call directly or through the gateway. Apart from
 * the clients so that the direct call crosses from one process to another as a call to a model server does, and the
 * gateway's answer one more time, not two.
 *
 * Run by bench/gateway.ts with `fork`; it sends its URL when ready and closes on `{ cmd: 'exit' }`.
 */
import { startUpstream } from '../test/gateway/upstream.ts';

if (process.send) {
  // Gone with the bench, however it ends.
  process.once('disconnect', () => process.exit(0));
  // No record of the requests seen (the tests' list): over tens of thousands of requests it would grow this
  // process's heap, and its collections would stall the measuring.
  const upstream = await startUpstream({ record: false });
  process.on('message', (m: { cmd: 'exit' }) => {
    if (m.cmd === 'exit') void upstream.close().then(() => process.exit(0));
  });
  process.send({ ready: upstream.url });
}
