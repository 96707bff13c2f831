/**
 * Warm verification cost of the authorizer: median, p95 and p99 over N distinct ID tokens,
 * after one cold verification has cached the JWKS and the public key. Measures the
 * verifier alone and the whole `$connect` handler (header parsing, claims, policy).
 * Keys and JWKS are local (127.0.0.1); nothing leaves the machine.
 *
 *   npx tsx scripts/bench/authorizer-verify.ts [--count 1000]
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { performance } from "node:perf_hooks";
import { createAuthorizerHandler } from "../../lambdas/authorizer/authorize";
import type { AuthorizerConfig } from "../../lambdas/authorizer/config";
import { createTokenVerifier } from "../../lambdas/authorizer/verifier";
import { createSigningKey, jwksOf, startJwksServer, TestIdentityProvider } from "../../local/cognito/test-identity-provider";
import { benchArgs } from "./bench-args";
import { describeError } from "./describe-error";

export interface TimingSummary {
  count: number;
  medianMs: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
}

export function summarize(samplesMs: readonly number[]): TimingSummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 0 ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[Math.floor(mid)];
  return { count: sorted.length, medianMs: median, p95Ms: at(0.95), p99Ms: at(0.99), meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

export interface AuthorizerBenchResult {
  verify: TimingSummary;
  handler: TimingSummary;
  coldVerifyMs: number;
  jwksRequests: number;
}

export async function benchAuthorizerVerify(count = 1000): Promise<AuthorizerBenchResult> {
  const key = createSigningKey();
  const server = await startJwksServer(jwksOf(key), "local_bench");
  try {
    const clientId = "benchclient";
    const config: AuthorizerConfig = {
      userPoolId: "local_bench",
      clientId,
      tenantIds: new Set(["tenant1", "tenant2", "tenant3"]),
      appProtocol: "mta.v1",
      issuerOverride: { issuer: server.issuer, jwksUri: server.jwksUri },
    };
    const idp = new TestIdentityProvider({ issuer: server.issuer, clientId, key });
    const verifier = createTokenVerifier(config);
    // Silent logger: the bench measures verification, not stdout.
    const handler = createAuthorizerHandler({ config, verifier, logger: new Logger({ logLevel: "SILENT" }) });
    const tokens = Array.from({ length: count }, () => idp.idToken());

    let started = performance.now();
    await verifier.verify(idp.idToken());
    const coldVerifyMs = performance.now() - started;

    const verifySamples: number[] = [];
    for (const token of tokens) {
      started = performance.now();
      await verifier.verify(token);
      verifySamples.push(performance.now() - started);
    }

    const methodArn = "arn:aws:execute-api:eu-west-1:123456789012:abcdef123/dev/$connect";
    const handlerSamples: number[] = [];
    for (const token of tokens) {
      const event = { methodArn, headers: { "Sec-WebSocket-Protocol": `mta.v1, ${token}` } };
      started = performance.now();
      const policy = await handler(event);
      handlerSamples.push(performance.now() - started);
      if (policy.policyDocument.Statement[0].Effect !== "Allow") throw new Error("bench: a genuine token was denied");
    }
    return { verify: summarize(verifySamples), handler: summarize(handlerSamples), coldVerifyMs, jwksRequests: server.requestCount() };
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const count = Number(benchArgs("authorizer-verify", { "--count": "N" }).value("--count") ?? 1000);
  if (!Number.isInteger(count) || count < 1) throw new Error("--count must be a positive integer");
  const result = await benchAuthorizerVerify(count);
  const fmt = (s: TimingSummary) => `median ${s.medianMs.toFixed(3)} ms, p95 ${s.p95Ms.toFixed(3)} ms, p99 ${s.p99Ms.toFixed(3)} ms, mean ${s.meanMs.toFixed(3)} ms (n=${s.count})`;
  console.log(`authorizer verify (warm):  ${fmt(result.verify)}`);
  console.log(`authorizer handler (warm): ${fmt(result.handler)}`);
  console.log(`first verify (cold JWKS):  ${result.coldVerifyMs.toFixed(2)} ms; JWKS downloads: ${result.jwksRequests}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench failed: ${describeError(error)}`);
    process.exit(1);
  });
}
