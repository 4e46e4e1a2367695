/**
 * Per-model routing: each client-facing model name belongs to one upstream, which knows it by its own name. A name
 * configured twice is a configuration error, so a request never goes to a server the operator did not mean.
 */
import { HeguiError } from '../errors.ts';
import type { UpstreamConfig } from './config.ts';
import { GatewayError } from './openai-error.ts';

export interface Route {
  upstream: UpstreamConfig;
  /** The model name the upstream knows. */
  model: string;
}

export class UpstreamRoutes {
  readonly #byModel = new Map<string, Route>();

  constructor(upstreams: readonly UpstreamConfig[]) {
    for (const u of upstreams) {
      for (const [publicName, model] of Object.entries(u.models)) {
        if (this.#byModel.has(publicName)) {
          throw new HeguiError('config_invalid', `gateway: the model "${publicName}" is routed to two upstreams`);
        }
        this.#byModel.set(publicName, { upstream: u, model });
      }
    }
  }

  resolve(model: unknown): Route {
    const r = typeof model === 'string' ? this.#byModel.get(model) : undefined;
    if (!r)
      throw new GatewayError('model_not_found', `the model "${String(model).slice(0, 80)}" is not available here`);
    return r;
  }

  models(): string[] {
    return [...this.#byModel.keys()];
  }
}

export function upstreamUrl(route: Route, path: string): string {
  return `${route.upstream.baseUrl.replace(/\/+$/, '')}${path}`;
}
