/** The gateway configuration: the README's exact example is valid, and ambiguous or malformed settings are refused. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isHeguiError } from '../../src/errors.ts';
import { gatewayConfigSchema } from '../../src/gateway/config.ts';
import { UpstreamRoutes } from '../../src/gateway/upstreams.ts';
import { configSchema } from '../../src/server/config.ts';

function readmeConfig(file: string): unknown {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  const m = /```json\n(\s*\{\n\s+"gateway"[\s\S]*?)```/.exec(text);
  assert.ok(m, `${file} has the gateway example`);
  return JSON.parse(m[1]!);
}

describe('gateway configuration', () => {
  for (const file of ['README.md', 'README.zh-CN.md']) {
    it(`accepts the example in ${file} and routes each model to its upstream`, () => {
      const c = configSchema.parse(readmeConfig(file));
      assert.ok(c.gateway);
      const routes = new UpstreamRoutes(c.gateway.upstreams);
      assert.equal(routes.resolve('qwen2.5-7b').model, 'Qwen/Qwen2.5-7B-Instruct');
      assert.equal(routes.resolve('llama3.1').upstream.name, 'ollama');
    });
  }

  it('refuses a model routed to two upstreams, and a ContentProducer that is not a provider code', () => {
    const up = (name: string) => ({ name, baseUrl: 'http://127.0.0.1:1/v1', models: { m: 'x' } });
    assert.throws(
      () => new UpstreamRoutes([up('a'), up('b')]),
      (e) => isHeguiError(e) && e.code === 'config_invalid',
    );
    const bad = gatewayConfigSchema.safeParse({
      contentProducer: '91350100M000100Y43',
      reviewLibrary: 'x',
      upstreams: [up('a')],
    });
    assert.equal(bad.success, false);
  });
});
