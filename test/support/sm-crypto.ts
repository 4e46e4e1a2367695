/** sm-crypto (an independent SM2/SM3 implementation in JavaScript), typed for the cross-checks. */
import { createRequire } from 'node:module';

interface Sm2Options {
  der?: boolean;
  hash?: boolean;
  userId?: string;
  publicKey?: string;
}

export interface SmCrypto {
  sm2: {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    doSignature(msg: number[] | string, privateKey: string, options?: Sm2Options): string;
    doVerifySignature(msg: number[] | string, signature: string, publicKey: string, options?: Sm2Options): boolean;
  };
  sm3(msg: number[] | string): string;
}

export const smCrypto = createRequire(import.meta.url)('sm-crypto') as SmCrypto;
