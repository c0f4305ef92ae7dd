import { generateIdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import { startProcesses, type ProcessStack } from '../chaos/startProcesses.js';
import { modeEnv, type BenchMode } from './benchModes.js';

export interface BenchStackOptions {
  readonly mode: BenchMode;
  /** Every sandbox vendor answers after this (ms). */
  readonly vendorLatencyMs: number;
  /** Extra environment of every service (e.g. the gateway's response cache off). */
  readonly env?: Record<string, string>;
}

/**
 * The system as production runs it, one process per service (sandbox vendors, each
 * subgraph, the gateway) on free loopback ports, wired as `npm start` wires it
 * (bench/chaos/startProcesses.ts), with the gateway signing the identity it forwards as
 * it does in production. The bench process only generates load and reads answers.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<ProcessStack> {
  const keys = await generateIdentityKeys();
  return startProcesses({
    ...modeEnv(options.mode),
    SANDBOX_LATENCY_MS: String(options.vendorLatencyMs),
    GATEWAY_IDENTITY_PRIVATE_KEY: keys.privateJwk,
    GATEWAY_IDENTITY_JWKS: keys.publicJwks,
    ...options.env,
  });
}
