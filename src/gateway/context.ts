/** What every gateway endpoint is given. */
import type { GatewayConfig } from './config.ts';
import type { ImageLinks } from './image-links.ts';
import type { LabelPolicy } from './label-policy.ts';
import type { GatewayPipeline } from './pipeline.ts';
import type { UpstreamRoutes } from './upstreams.ts';

export interface GatewayContext {
  config: GatewayConfig;
  routes: UpstreamRoutes;
  pipeline: GatewayPipeline;
  labels: LabelPolicy;
  links: ImageLinks;
}
