/**
 * SQL texts built once with Kysely and then run with fresh parameters (`CompiledQuery.raw`): on SQLite, building a
 * query costs more than running it, and the log and the generation log write on every gateway answer. At most `max`
 * texts are kept, so keys made from data (column sets, batch sizes) cannot grow it without bound.
 */
export class SqlTexts {
  readonly #texts = new Map<string, string>();

  constructor(private readonly max: number) {}

  get(key: string, build: () => string): string {
    let text = this.#texts.get(key);
    if (text === undefined) {
      text = build();
      if (this.#texts.size < this.max) this.#texts.set(key, text);
    }
    return text;
  }
}
