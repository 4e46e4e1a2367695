import { Command, CommanderError, Option } from 'commander';
import { HeguiError, isHeguiError } from '../errors.ts';
import '../label/codecs/index.ts';
import { PLATE_MODES } from '../label/explicit/options.ts';
import { SERVICE_TYPES } from '../label/policy/service-types.ts';
import { VERSION } from '../version.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerCheckExplicitCommands } from './commands/check-explicit.ts';
import { explicitCommand } from './commands/explicit.ts';
import { registerExplicitAudioCommand } from './commands/explicit-audio.ts';
import { registerExplicitTextCommand } from './commands/explicit-text.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerHashCommand } from './commands/hash.ts';
import { registerIdCommand } from './commands/id.ts';
import { inspectCommand } from './commands/inspect.ts';
import { registerKeysCommand } from './commands/keys.ts';
import { labelCommand } from './commands/label.ts';
import { labelPolicyCommand, policyOnlyOptionsGiven } from './commands/label-policy.ts';
import { registerLibraryCommands } from './commands/library.ts';
import { registerLogCommand } from './commands/log.ts';
import { registerPropagateCommand } from './commands/propagate.ts';
import { registerReviewCommand } from './commands/review.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerVerifyCommand } from './commands/verify.ts';
import { consoleOutput, type Output } from './output.ts';

/** Exit codes: 0 success, 1 some file failed or a check did not pass, 2 usage or unexpected error. */
export async function main(argv: string[], io: Output = consoleOutput): Promise<number> {
  let code = 0;
  const program = new Command('hegui')
    .description(
      'Compliance for AI-generated content (Deep Synthesis Provisions, GB 45438-2025): labels, review, identity checks',
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  program
    .command('label')
    .description(
      'write the GB 45438 metadata label into files and folders (replacing any existing label); with --explicit or --policy also the explicit label',
    )
    .argument('<paths...>', 'files or folders (folders are walked recursively; unsupported formats are skipped)')
    .option('--producer <code>', 'ContentProducer: your 27-character provider code (default: $HEGUI_PRODUCER)')
    .option('--produce-id <id>', 'ProduceID for a single file, or "auto" for a unique ID per file', 'auto')
    .addOption(
      new Option('--label <value>', 'Label: 1 AI-generated, 2 possibly, 3 suspected')
        .choices(['1', '2', '3'])
        .default('1'),
    )
    .option('--out <dir>', 'write labelled copies under this folder (keeping relative paths)')
    .option('--in-place', 'replace the original files (atomically)')
    .option('--sign <key>', 'sign the label (ReservedCode1) with this private key (PEM; see hegui keys generate)')
    .option('--explicit', "add the explicit label (GB 45438 §5) for each file's medium too: image, video, audio, text")
    .option('--explicit-text <text>', 'explicit label text for images, videos and text files (default per medium)')
    .option(
      '--position <where>',
      'explicit label place, once per medium: top-left … bottom-right, top, bottom, left, right (images, videos); before, after, both (audio); prefix, suffix, middle, corner (text)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .addOption(
      new Option(
        '--plate <mode>',
        "images: the explicit label's plate from the pixels under it (local), or for any background without sampling (any; faster)",
      ).choices(PLATE_MODES),
    )
    .option('--policy <file>', 'apply a labelling policy (JSON): which labels each service type gets')
    .addOption(
      new Option(
        '--service-type <kind>',
        "the service type the files come from (default: the policy's serviceType)",
      ).choices(SERVICE_TYPES),
    )
    .option(
      '--no-explicit-on-request',
      'Labelling Measures Art. 9: the user asked for the content without its explicit label (the policy must allow it; recorded)',
    )
    .option('--recipient <id>', 'with --no-explicit-on-request: who receives the content (recorded)')
    .option(
      '--record-log <file>',
      'with --no-explicit-on-request: the records file (default: $HEGUI_DATA_DIR or data, unlabelled-deliveries.jsonl)',
    )
    .option(
      '--state <file>',
      'with --explicit/--policy: the resume journal (default: .hegui-label-state.jsonl in the output folder)',
    )
    .option('--no-state', 'with --explicit/--policy: do not resume, keep no journal')
    .option('--jobs <n>', 'files processed at once (default: min(4, cores); 2 with --explicit/--policy)')
    .option('--json', 'print a JSON report on stdout')
    .action(async (paths: string[], opts) => {
      if (opts.explicit || opts.policy) {
        code = await labelPolicyCommand(paths, opts, io);
        return;
      }
      const extra = policyOnlyOptionsGiven(opts);
      if (extra) throw new HeguiError('usage', `${extra} goes with --explicit or --policy`);
      code = await labelCommand(paths, opts, io);
    });

  program
    .command('inspect')
    .description('show the metadata label(s) of files, where they sit, and any problems found')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'print JSON on stdout')
    .action(async (paths: string[], opts) => {
      code = await inspectCommand(paths, opts, io);
    });

  const setExit = (c: number) => {
    code = c;
  };
  registerVerifyCommand(program, io, setExit);
  registerPropagateCommand(program, io, setExit);
  registerAuditCommand(program, io, setExit);
  registerKeysCommand(program, io, setExit);
  registerIdCommand(program, io, (c) => (code = c));
  registerHashCommand(program, io, (c) => (code = c));
  registerLibraryCommands(program, io, (c) => (code = c));
  registerReviewCommand(program, io, (c) => (code = c));
  registerServeCommand(program, (c) => (code = c));
  registerExplicitAudioCommand(program, io, (c) => (code = c));
  registerExplicitTextCommand(program, io, (c) => (code = c));
  registerCheckExplicitCommands(program, io, (c) => (code = c));
  program
    .command('explicit')
    .description('draw the GB 45438 §5 explicit label on images and videos, then write the metadata label')
    .argument(
      '<paths...>',
      'files or folders (folders are walked recursively; files that are not images or videos are skipped)',
    )
    .option('--producer <code>', 'ContentProducer: your 27-character provider code (default: $HEGUI_PRODUCER)')
    .option('--produce-id <id>', 'ProduceID for a single file, or "auto" for a unique ID per file', 'auto')
    .option('--text <text>', 'label text with "AI"/"人工智能" and "生成"/"合成" (default: AI生成)')
    .option(
      '--position <where>',
      'top-left, top-right, bottom-left, bottom-right, top, bottom, left, right (default: bottom-right)',
    )
    .addOption(
      new Option(
        '--plate <mode>',
        'images: the plate from the pixels under it (local), or for any background without sampling (any; faster)',
      )
        .choices(PLATE_MODES)
        .default('local'),
    )
    .addOption(
      new Option('--span <span>', 'video: when the label shows')
        .choices(['start', 'start-and-end', 'whole'])
        .default('start'),
    )
    .option('--duration <seconds>', 'video: seconds shown at the start (and end), at least 2 (default: 2)')
    .option('--out <dir>', 'write labelled copies under this folder (keeping relative paths)')
    .option('--in-place', 'replace the original files (atomically)')
    .option('--jobs <n>', 'files processed at once (default: 2)')
    .option('--json', 'print a JSON report on stdout')
    .action(async (paths: string[], opts) => {
      code = await explicitCommand(paths, opts, io);
    });

  registerLogCommand(program, io, (c) => (code = c));
  registerExportCommand(program, io, (c) => (code = c));

  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isHeguiError(e)) {
      process.stderr.write(`hegui: ${e.message}\n`);
      const usage = ['usage', 'config_invalid', 'secret_key_missing', 'policy_invalid', 'not_permitted'];
      return usage.includes(e.code) ? 2 : 1;
    }
    process.stderr.write(`hegui: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 2;
  }
}
