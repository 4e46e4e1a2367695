/**
 * The gateway's part of the server configuration (`gateway` in the JSON config file): the upstream model servers, the
 * model names clients use and where each one goes, the provider code written as ContentProducer (GB 45438 App. E),
 * the review library, the label signing key, and the limits that keep one request from holding the server.
 */
import { z } from 'zod';
import { parseProviderCode } from '../label/aigc/provider-code.ts';

export const upstreamSchema = z.object({
  /** A name for logs and audit events. */
  name: z.string().min(1).max(64),
  /** The OpenAI-compatible base URL, including /v1 (vLLM: http://127.0.0.1:8000/v1; Ollama: http://127.0.0.1:11434/v1). */
  baseUrl: z.url(),
  /** Sent as `Authorization: Bearer …` to the upstream; the client's own key never is. */
  apiKey: z.string().optional(),
  /** Model name a client asks for → model name the upstream knows. */
  models: z.record(z.string().min(1), z.string().min(1)),
});
export type UpstreamConfig = z.infer<typeof upstreamSchema>;

export const gatewayConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** The provider's code (TC260-PG-20252A; e.g. the USCC), written as ContentProducer in every label. */
  contentProducer: z
    .string()
    .refine((v) => parseProviderCode(v).valid, 'must be a valid provider code (TC260-PG-20252A: 0011 + USCC + 1 + 4)'),
  upstreams: z.array(upstreamSchema).min(1),
  /**
   * A compiled review library (`hegui review compile`) that serves until a feature library version is published
   * through library governance (`/api/feature-library`); from then on the published version serves. Every prompt and
   * output is reviewed; with neither, requests are refused (503 `unavailable`).
   */
  reviewLibrary: z.string().min(1).optional(),
  /** PEM private key (SM2 or Ed25519) that signs image and audio labels; without it labels are written unsigned. */
  labelSigningKeyFile: z.string().optional(),
  /** Requests per API key (per account for a session): a bucket of `burst` refilled at `perMinute`. */
  rateLimit: z
    .object({
      perMinute: z.number().int().min(1).max(1_000_000).default(600),
      burst: z.number().int().min(1).max(100_000).default(60),
    })
    .default({ perMinute: 600, burst: 60 }),
  /**
   * Voices of real people (a cloned voice): voice name → the person (their consent record's `subjectRef`). Speech in
   * such a voice is voice editing (Art. 14 para. 2): it needs that person's recorded consent.
   */
  personalVoices: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Upstream time limit: until the response headers, and between two chunks of a stream. */
  upstreamTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  /** JSON request bodies (chat, completions, images, speech). */
  maxJsonBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Multipart bodies (image edits). */
  maxUploadBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /** Largest upstream response body read into memory (images, audio, non-streamed text). */
  maxUpstreamBytes: z
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(64 * 1024 * 1024),
  /** How long an image served by `response_format: "url"` stays reachable. */
  imageUrlTtlSeconds: z.number().int().min(10).max(86_400).default(600),
  /** Base URL clients reach the gateway at, for image URLs (default: from the request's Host header). */
  publicUrl: z.url().optional(),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
