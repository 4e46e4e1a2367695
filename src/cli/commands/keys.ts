/**
 * `hegui keys generate --out DIR [--alg sm2|ed25519]`: a signing key pair for labels, DIR/private.pem (PKCS#8, mode
 * 0600) and DIR/public.pem (SPKI, for the trust lists of platforms and regulators). Existing files are never
 * overwritten.
 */
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { HeguiError } from '../../errors.ts';
import { ioError } from '../../label/io/source.ts';
import { generateKeyPair, loadPublicKey, type SignatureAlgorithm } from '../../label/security/keys.ts';
import type { Output } from '../output.ts';

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  const fh = await open(path, 'wx', mode).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new HeguiError('usage', `${path} exists; keys are never overwritten (move it away first)`);
    }
    throw ioError(e, 'create the key file');
  });
  try {
    await fh.writeFile(text);
    await fh.chmod(mode); // the umask may have narrowed the mode given to open; never widened
  } finally {
    await fh.close();
  }
}

export function registerKeysCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  const keys = program.command('keys').description('signing keys for the label signature (TC260-PG-202511A)');
  keys
    .command('generate')
    .description('make a key pair: DIR/private.pem (mode 0600, keep it secret) and DIR/public.pem (give it out)')
    .requiredOption('--out <dir>', 'folder for the two files (created if missing)')
    .addOption(
      new Option('--alg <alg>', "SM2 with SM3 (the guide's), or Ed25519").choices(['sm2', 'ed25519']).default('sm2'),
    )
    .option('--json', 'print JSON on stdout')
    .action(async (o: { out: string; alg: SignatureAlgorithm; json?: boolean }) => {
      await mkdir(o.out, { recursive: true });
      const pair = generateKeyPair(o.alg);
      const priv = join(o.out, 'private.pem');
      const pub = join(o.out, 'public.pem');
      for (const p of [priv, pub]) {
        if (await stat(p).catch(() => null)) {
          throw new HeguiError('usage', `${p} exists; keys are never overwritten (move it away first)`);
        }
      }
      await writeNew(priv, pair.privatePem, 0o600);
      await writeNew(pub, pair.publicPem, 0o644);
      const id = loadPublicKey(pair.publicPem).id;
      if (o.json) io.json({ algorithm: o.alg, privateKey: priv, publicKey: pub, keyId: id });
      else {
        io.out(`${o.alg} key pair written: ${priv} (secret, mode 0600), ${pub} (public)`);
        io.out(`key id ${id}; add ${pub} to the trust lists of the platforms that verify your labels`);
      }
      setExit(0);
    });
}
