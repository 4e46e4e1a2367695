/**
 * `hegui propagate <file> --platform CODE --propagate-id ID …`: what a propagation platform does with an upload
 * (Labelling Measures Art. 6): verify the label, decide the case, add the platform's propagation fields (and its
 * signature), and print the notice to show. Exit 0 when decided (including "nothing to write" and plain text, which has
 * no metadata container: the notice is still shown), 1 when the file's label does not verify (reported, never
 * repaired), 2 for a usage error.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HeguiError } from '../../errors.ts';
import { type DetectionEvidence, type PropagationResult, propagate } from '../../label/propagate.ts';
import { errorsIn } from '../../label/verify/findings.ts';
import type { Output } from '../output.ts';
import { signerFromFile, trustFromFile } from '../security.ts';

interface PropagateCliOptions {
  platform?: string;
  propagateId: string;
  declaredAi?: boolean;
  detected?: string;
  sign?: string;
  producer?: string;
  produceId?: string;
  trust?: string;
  out?: string;
  inPlace?: boolean;
  json?: boolean;
}

const KINDS: Record<string, DetectionEvidence['kind']> = {
  'explicit-label': 'explicit_label',
  explicit_label: 'explicit_label',
  watermark: 'watermark',
  traces: 'traces',
};

/** `kind[:detail]`, e.g. `watermark:vendor-x score 0.97`. */
function parseEvidence(text: string): DetectionEvidence {
  const at = text.indexOf(':');
  const kind = KINDS[(at < 0 ? text : text.slice(0, at)).trim()];
  if (!kind) throw new HeguiError('usage', '--detected takes explicit-label, watermark or traces, optionally :detail');
  const detail = at < 0 ? '' : text.slice(at + 1).trim();
  return detail ? { kind, detail } : { kind };
}

export function registerPropagateCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  program
    .command('propagate')
    .description(
      "as a propagation platform: verify an upload's label, add your propagation fields, get the notice to show",
    )
    .argument('<file>', 'the uploaded file')
    .option('--platform <code>', "ContentPropagator: your platform's provider code (default: $HEGUI_PLATFORM)")
    .requiredOption('--propagate-id <id>', 'PropagateID: your ID for this content')
    .option('--declared-ai', 'the user declared the content AI-generated (Art. 6(2): Label 2)')
    .option(
      '--detected <evidence>',
      'your detection found explicit-label | watermark | traces[:detail] (Art. 6(3): Label 3)',
    )
    .option('--sign <key>', 'sign ReservedCode2 with this private key (PEM)')
    .option('--producer <code>', 'ContentProducer for a file without a label (default: the platform code)')
    .option('--produce-id <id>', 'ProduceID for a file without a label (default: the propagate ID)')
    .option('--trust <file>', 'trust list of provider keys (JSON)')
    .option('--out <file>', 'write the result here')
    .option('--in-place', 'replace the file (atomically)')
    .option('--json', 'print JSON on stdout')
    .action(async (file: string, o: PropagateCliOptions) => {
      const platform = o.platform ?? process.env['HEGUI_PLATFORM'];
      if (!platform) throw new HeguiError('usage', '--platform CODE is required (or set HEGUI_PLATFORM)');
      if (!o.out && !o.inPlace)
        throw new HeguiError('usage', 'choose where the result goes: --out FILE, or --in-place');
      if (o.out && o.inPlace) throw new HeguiError('usage', '--out and --in-place exclude each other');
      const trust = await trustFromFile(o.trust);
      const signer = o.sign ? await signerFromFile(o.sign, io) : undefined;
      const r = await propagate(file, {
        platform,
        propagateId: o.propagateId,
        ...(o.declaredAi ? { declaredAi: true } : {}),
        ...(o.detected ? { detected: parseEvidence(o.detected) } : {}),
        ...(signer ? { signer } : {}),
        ...(trust ? { trust } : {}),
        ...(o.producer ? { producer: o.producer } : {}),
        ...(o.produceId ? { produceId: o.produceId } : {}),
        ...(o.out && resolve(o.out) !== resolve(file) ? { out: o.out } : {}),
      });
      for (const w of r.warnings) io.warn(w);
      if (o.json) io.json(toJson(file, r));
      else io.out(describe(file, r));
      setExit(r.decision.case === 'refused' ? 1 : 0);
    });
}

function toJson(file: string, r: PropagationResult): unknown {
  return {
    file,
    decision: r.decision,
    reminder: r.reminder,
    written: r.written ? { path: r.written.path, label: r.written.label } : false,
    notWritten: r.notWritten ?? null,
    verification: r.verification,
  };
}

function describe(file: string, r: PropagationResult): string {
  const d = r.decision;
  const lines = [`${file}`, `  decision: ${d.case}${d.label ? ` (Label ${d.label})` : ''}: ${d.reason}`];
  if (d.display) lines.push(`  show next to the content: ${d.display}`);
  if (r.notWritten?.code === 'no_container') lines.push(`  not written: ${r.notWritten.reason}`);
  if (d.case === 'refused') {
    for (const f of errorsIn(r.verification.findings)) lines.push(`  error: ${f.message} [${f.code}]`);
  }
  if (r.written) {
    const l = r.written.label;
    lines.push(`  written: ${r.written.path}`);
    lines.push(`    ContentProducer ${JSON.stringify(l.ContentProducer)}, ProduceID ${JSON.stringify(l.ProduceID)}`);
    lines.push(
      `    ContentPropagator ${JSON.stringify(l.ContentPropagator)}, PropagateID ${JSON.stringify(l.PropagateID)}`,
    );
    lines.push(`    ReservedCode2 ${l.ReservedCode2 ? 'signed' : 'empty (not signed)'}`);
  }
  lines.push(`  reminder: ${r.reminder}`);
  return lines.join('\n');
}
