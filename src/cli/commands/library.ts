/**
 * `hegui library import|starter|compile|coverage|diff|export`: manage a feature library file or folder.
 * Exit codes: 0 done; 1 done with findings (rejected import lines, coverage shortfalls, libraries differ); 2 usage.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { HeguiError } from '../../errors.ts';
import { artifactHash, loadLibrary, serialiseLibrary } from '../../review/compiled/artifact.ts';
import { type CompileReport, compileVersion } from '../../review/compiled/compile.ts';
import { coverage } from '../../review/library/coverage.ts';
import { diffVersions } from '../../review/library/diff.ts';
import { exportCsv, exportJsonl } from '../../review/library/export.ts';
import { emptyImport, type ImportFormat, importAllow, importText } from '../../review/library/import.ts';
import {
  createLibrary,
  DEFAULT_SETTINGS,
  type FeatureLibrary,
  type FeatureLibraryVersion,
  latestVersion,
  publishVersion,
} from '../../review/library/model.ts';
import { starterFiles } from '../../review/library/starter.ts';
import { readLibrary, writeBytes, writeLibrary } from '../../review/library/store.ts';
import { ACTIONS, isSeverity, type ReviewAction } from '../../review/risk.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';

type SetExit = (code: number) => void;

export function registerLibraryCommands(program: Command, io: Output, setExit: SetExit): void {
  const lib = program
    .command('library')
    .description('the feature library (Provisions Art. 10): import, compile, coverage against TC260-003, diff, export');

  lib
    .command('import')
    .description('import terms into a library as a new immutable version (on top of the latest, unless --replace)')
    .argument('<files...>', 'CSV (header row), JSON lines, or word lists (one term per line)')
    .requiredOption('--out <lib>', 'library file (.json) or folder to create or extend')
    .addOption(
      new Option('--format <format>', 'input format').choices(['auto', 'csv', 'jsonl', 'words']).default('auto'),
    )
    .option(
      '--tags <file>',
      'tags for a word list: lines "word tag,tag" (0 politics, 1 drugs, 2 porn, 3 gambling, 4 illegal)',
    )
    .option('--allow <file>', 'allow-list: one allowed phrase per line')
    .addOption(new Option('--action <action>', 'action for entries that name none').choices([...ACTIONS]))
    .option('--severity <n>', 'severity (1-5) for entries that name none')
    .option('--replace', 'the new version holds only what this import brings')
    .option('--folder', 'write a new library as a folder (one file per version)')
    .option('--name <name>', 'name of a new library')
    .option('--note <text>', 'note recorded with the version')
    .option('--json', 'print a JSON report')
    .action(async (files: string[], o) => setExit(await importCommand(files, o, io)));

  lib
    .command('starter')
    .description(
      'import the starter library shipped with Hegui (a starting point by risk code, far below the TC260-003 sizes) into a library',
    )
    .requiredOption('--out <lib>', 'library file (.json) or folder to create or extend')
    .option('--replace', 'the new version holds only the starter library')
    .option('--folder', 'write a new library as a folder (one file per version)')
    .option('--name <name>', 'name of a new library')
    .option('--json', 'print a JSON report')
    .action(async (o: Omit<ImportOpts, 'format' | 'note'>) =>
      setExit(await importCommand(await starterFiles(), { ...o, format: 'jsonl', note: 'Hegui starter library' }, io)),
    );

  lib
    .command('compile')
    .description('compile the latest version into an artifact that loads in milliseconds')
    .argument('<lib>', 'library file or folder')
    .option('--out <file>', 'artifact path (default: <lib>.hgl)')
    .option('--json', 'print a JSON report')
    .action(async (path: string, o) => setExit(await compileCommand(path, o, io)));

  lib
    .command('coverage')
    .description(
      'entries per TC260-003 risk against the minimums (10,000 total, 200 per A.1 risk, 100 per A.2 risk, weekly updates); exit 1 on a shortfall',
    )
    .argument('<lib>', 'library file or folder (LIB@N for version N)')
    .option('--json', 'print JSON')
    .action(async (path: string, o) => setExit(await coverageCommand(path, o, io)));

  lib
    .command('diff')
    .description(
      'entries added, removed and changed between two libraries (latest versions, or LIB@N); exit 1 when they differ',
    )
    .argument('<a>', 'library (LIB or LIB@N)')
    .argument('<b>', 'library (LIB or LIB@N)')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, o) => setExit(await diffCommand(a, b, o, io)));

  lib
    .command('export')
    .description('print the latest version (or LIB@N) as CSV or JSON lines')
    .argument('<lib>', 'library file or folder')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .action(async (path: string, o: { format: string }) => {
      const { version } = await openVersion(path);
      process.stdout.write(o.format === 'csv' ? exportCsv(version) : exportJsonl(version));
      setExit(0);
    });
}

/** `LIB` (latest version) or `LIB@N` (version N). */
async function openVersion(spec: string): Promise<{ lib: FeatureLibrary; version: FeatureLibraryVersion }> {
  let path = spec;
  let n: number | undefined;
  const m = /^(.*)@(\d+)$/.exec(spec);
  if (m && !(await stat(spec).catch(() => null))) {
    path = m[1]!;
    n = Number(m[2]);
  }
  const lib = await readLibrary(path);
  const version = n === undefined ? latestVersion(lib) : lib.versions[n - 1];
  if (!version)
    throw new HeguiError(
      'usage',
      n === undefined ? 'the library has no version yet' : `the library has no version ${n}`,
    );
  return { lib, version };
}

interface ImportOpts {
  out: string;
  format: ImportFormat;
  tags?: string;
  allow?: string;
  action?: ReviewAction;
  severity?: string;
  replace?: boolean;
  folder?: boolean;
  name?: string;
  note?: string;
  json?: boolean;
}

async function importCommand(files: string[], o: ImportOpts, io: Output): Promise<number> {
  const severity = o.severity === undefined ? undefined : Number(o.severity);
  if (severity !== undefined && !isSeverity(severity)) throw new HeguiError('usage', '--severity must be 1 to 5');
  const existing = await stat(o.out).catch(() => null);
  const base = existing ? await readLibrary(o.out) : createLibrary(o.name ?? basename(o.out).replace(/\.json$/, ''));
  const tags = o.tags ? await readFile(o.tags, 'utf8') : undefined;
  const texts: { file: string; text: string }[] = [];
  for (const f of files)
    texts.push({
      file: f,
      text: await readFile(f, 'utf8').catch(() => Promise.reject(new HeguiError('usage', `cannot read ${f}`))),
    });
  // Progress in blocks of 4096 lines: a redrawn bar on a terminal, silent on a pipe.
  const blocks = texts.reduce((n, t) => n + Math.ceil(t.text.length / 65536) + 1, 0);
  const progress = createProgress(blocks, { enabled: !o.json });
  const into = emptyImport();
  const started = Date.now();
  for (const t of texts) {
    let shown = 0;
    importText(
      t.file,
      t.text,
      {
        format: o.format,
        ...(tags === undefined ? {} : { tags }),
        defaults: { ...(o.action ? { action: o.action } : {}), ...(severity ? { severity } : {}) },
        onProgress: (done, total) => {
          const now = Math.floor((done / Math.max(1, total)) * Math.ceil(t.text.length / 65536));
          for (; shown < now; shown++) progress.tick(basename(t.file));
        },
      },
      into,
    );
    for (; shown <= Math.ceil(t.text.length / 65536); shown++) progress.tick(basename(t.file));
  }
  if (o.allow) importAllow(await readFile(o.allow, 'utf8'), into);
  progress.done();
  const prev = latestVersion(base);
  const byId = new Map((o.replace || !prev ? [] : prev.entries).map((e) => [e.id, e]));
  let duplicates = 0;
  const fresh = new Set<string>();
  for (const e of into.entries) {
    if (fresh.has(e.id)) duplicates++;
    fresh.add(e.id);
    byId.set(e.id, e);
  }
  const keep = <T>(a: T[], b: T[]) => (o.replace ? b : [...a, ...b]);
  const lib = publishVersion(
    base,
    {
      settings: prev?.settings ?? DEFAULT_SETTINGS,
      entries: [...byId.values()],
      allow: keep(prev?.allow ?? [], into.allow),
      commonWords: keep(prev?.commonWords ?? [], into.commonWords),
      cooccurrence: [
        ...new Map(
          [...(o.replace ? [] : (prev?.cooccurrence ?? [])), ...into.cooccurrence].map((c) => [c.id, c]),
        ).values(),
      ],
    },
    { note: o.note ?? `import ${files.map((f) => basename(f)).join(', ')}` },
  );
  await writeLibrary(o.out, lib, existing ? undefined : o.folder === true);
  const v = latestVersion(lib)!;
  const report = {
    library: o.out,
    version: v.version,
    contentHash: v.contentHash,
    imported: into.entries.length,
    duplicates,
    entries: v.entries.length,
    allow: v.allow.length,
    cooccurrence: v.cooccurrence.length,
    problems: into.problems,
    seconds: (Date.now() - started) / 1000,
  };
  if (o.json) io.json(report);
  else {
    for (const p of into.problems.slice(0, 50)) io.warn(`${p.file}:${p.line}: ${p.message}`);
    if (into.problems.length > 50) io.warn(`… and ${into.problems.length - 50} more problems`);
    io.out(
      `Imported ${report.imported} entries (${duplicates} duplicates) into ${o.out}: version ${v.version}, ${v.entries.length} entries, ${v.allow.length} allowed phrases, sha256 ${v.contentHash}`,
    );
    if (into.problems.length) io.out(`${into.problems.length} line(s) rejected`);
  }
  return into.problems.length ? 1 : 0;
}

async function compileCommand(path: string, o: { out?: string; json?: boolean }, io: Output): Promise<number> {
  const { lib, version } = await openVersion(path);
  const t0 = performance.now();
  const report: CompileReport = { skipped: [] };
  const compiled = compileVersion(version, lib.name, report);
  const compileMs = performance.now() - t0;
  const bytes = serialiseLibrary(compiled);
  const out = o.out ?? `${path.replace(/\.json$/, '').replace(/[\\/]$/, '')}.hgl`;
  await writeBytes(out, bytes);
  const t1 = performance.now();
  loadLibrary(await readFile(out));
  const loadMs = performance.now() - t1;
  const h = compiled.header;
  const summary = {
    artifact: out,
    bytes: bytes.length,
    sha256: artifactHash(bytes),
    library: h.library,
    counts: h.counts,
    skipped: report.skipped,
    compileMs: Math.round(compileMs),
    loadMs: Math.round(loadMs * 10) / 10,
  };
  if (o.json) io.json(summary);
  else {
    io.out(`Compiled ${lib.name} version ${version.version} (sha256 ${version.contentHash}) to ${out}`);
    io.out(
      `  ${h.counts.entries} entries (${h.counts.termEntries} terms, ${h.counts.regexEntries} regex, ${h.counts.imageEntries} image hashes left to the image index), ${h.counts.patterns} keys with variants, ${h.counts.states} automaton states`,
    );
    io.out(`  ${(bytes.length / 1048576).toFixed(1)} MiB, artifact sha256 ${summary.sha256}`);
    io.out(`  compiled in ${summary.compileMs} ms; reading and loading the artifact takes ${summary.loadMs} ms`);
    if (report.skipped.length)
      io.warn(`${report.skipped.length} entries left out (empty after normalisation or too long)`);
  }
  return 0;
}

async function coverageCommand(path: string, o: { json?: boolean }, io: Output): Promise<number> {
  const { version } = await openVersion(path);
  const r = coverage(version);
  if (o.json) io.json(r);
  else {
    io.out(`Library version ${version.version} (${version.createdAt}, ${r.ageDays.toFixed(1)} days old)`);
    io.out(`  total ${r.total} of ${r.minimumTotal}${r.total >= r.minimumTotal ? '' : '  SHORT'}`);
    for (const x of r.risks)
      io.out(
        `  ${x.code.padEnd(6)} ${String(x.count).padStart(6)}${x.minimum === null ? '        ' : ` / ${String(x.minimum).padStart(4)}`}  ${x.ok ? '  ' : '✗ '}${x.zh} (${x.en})`,
      );
    if (r.stale) io.warn(`no new version for ${Math.floor(r.ageDays)} days: TC260-003 expects weekly updates`);
    io.out(
      r.ok
        ? 'Meets the TC260-003 keyword library minimums.'
        : `Does not meet the TC260-003 minimums: ${r.shortfalls.length} shortfall(s).`,
    );
  }
  return r.ok ? 0 : 1;
}

async function diffCommand(a: string, b: string, o: { json?: boolean }, io: Output): Promise<number> {
  const d = diffVersions((await openVersion(a)).version, (await openVersion(b)).version);
  if (o.json) io.json(d);
  else {
    io.out(
      `version ${d.from.version} (${d.from.contentHash.slice(0, 12)}) → version ${d.to.version} (${d.to.contentHash.slice(0, 12)})`,
    );
    for (const e of d.added) io.out(`+ ${e.id}  ${e.riskCode}  ${e.action}  ${e.pattern}`);
    for (const e of d.removed) io.out(`- ${e.id}  ${e.riskCode}  ${e.action}  ${e.pattern}`);
    for (const c of d.changed) io.out(`~ ${c.id}  ${c.fields.join(', ')}`);
    for (const p of d.allow.added) io.out(`+ allow ${p}`);
    for (const p of d.allow.removed) io.out(`- allow ${p}`);
    io.out(
      d.same
        ? 'No differences.'
        : `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed entries; allow-list +${d.allow.added.length}/-${d.allow.removed.length}; rules +${d.cooccurrence.added.length}/-${d.cooccurrence.removed.length}/~${d.cooccurrence.changed.length}${d.settingsChanged ? '; settings changed' : ''}`,
    );
  }
  return d.same ? 0 : 1;
}
