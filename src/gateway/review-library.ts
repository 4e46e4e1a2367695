/**
 * The feature library the gateway reviews with (Provisions Art. 10): the version published through library governance
 * (four eyes, src/platform/feature-library), swapped in atomically when a new one is published, so one request is
 * reviewed by one version from start to end. Until a version is published, the compiled file of `reviewLibrary` in
 * the gateway configuration serves. With neither, nothing is reviewed and so nothing is generated (fail closed).
 */
import type { LibraryHolder } from '../platform/feature-library/library-holder.ts';
import type { CompiledLibrary } from '../review/compiled/compiled-library.ts';
import { GatewayError } from './openai-error.ts';

/** Which library a review used, for the log: a published version, or the configured file. */
export type LibraryRef = { version: number; contentHash: string } | { file: string };

export interface ServedLibrary {
  compiled: CompiledLibrary;
  ref: LibraryRef;
}

export class GatewayLibrary {
  readonly #file: ServedLibrary | undefined;

  constructor(
    private readonly published: LibraryHolder | undefined,
    file: { path: string; compiled: CompiledLibrary } | undefined,
  ) {
    this.#file = file ? { compiled: file.compiled, ref: { file: file.path } } : undefined;
  }

  /** The library serving now; a caller keeps it for the whole request. */
  current(): ServedLibrary {
    const snap = this.published?.current();
    if (snap) return { compiled: snap.compiled, ref: { version: snap.version, contentHash: snap.contentHash } };
    if (this.#file) return this.#file;
    throw new GatewayError(
      'unavailable',
      'no feature library is published and no reviewLibrary file is configured: nothing can be reviewed',
    );
  }
}
