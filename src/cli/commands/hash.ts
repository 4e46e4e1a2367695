/**
 * `hegui hash image FILE…`: the PDQ hash (hex as ThreatExchange tools print it) and quality of images, optionally
 * with the hashes of the eight rotations and flips, for building an image feature library.
 */
import type { Command } from 'commander';
import { isHeguiError } from '../../errors.ts';
import { DIHEDRAL } from '../../review/image/dihedral.ts';
import { hash256ToHex } from '../../review/image/hash256.ts';
import { hashImage } from '../../review/image/hasher.ts';
import type { Output } from '../output.ts';

interface HashOptions {
  all?: boolean;
  json?: boolean;
  exif?: boolean;
}

export function registerHashCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  const hash = program.command('hash').description('perceptual and exact hashes for the feature library');
  hash
    .command('image')
    .description('PDQ hash and quality (0-100; below 50 too featureless to match on) of image files')
    .argument('<files...>', 'image files (JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIF …)')
    .option('--all', 'also print the hashes of the 8 rotations and flips')
    .option('--exif', 'apply the EXIF Orientation tag first (default: hash the stored pixels, as the reference does)')
    .option('--json', 'print JSON on stdout')
    .action(async (files: string[], o: HashOptions) => {
      let failed = 0;
      const results: unknown[] = [];
      for (const file of files) {
        try {
          const h = await hashImage(file, { dihedral: o.all ?? false, orientation: o.exif ? 'exif' : 'raw' });
          const dihedral = h.dihedral
            ? Object.fromEntries(DIHEDRAL.map((d) => [d, hash256ToHex(h.dihedral![d])]))
            : undefined;
          const row = {
            file,
            pdq: hash256ToHex(h.hash),
            quality: h.quality,
            width: h.width,
            height: h.height,
            dihedral,
          };
          if (o.json) results.push(row);
          else {
            io.out(`${row.pdq} ${String(h.quality).padStart(3)} ${file}`);
            if (dihedral) for (const d of DIHEDRAL) io.out(`  ${dihedral[d]} ${d}`);
          }
        } catch (e) {
          if (!isHeguiError(e)) throw e;
          failed++;
          if (o.json) results.push({ file, error: { code: e.code, message: e.message } });
          else io.warn(`${file}: ${e.message} [${e.code}]`);
        }
      }
      if (o.json) io.json(results);
      setExit(failed ? 1 : 0);
    });
}
