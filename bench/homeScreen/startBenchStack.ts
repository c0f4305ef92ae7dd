import { startProcesses, type ProcessStack } from '../chaos/startProcesses.js';
import { modeEnv, type BenchMode } from './benchModes.js';
import type { ProductionServices } from './productionServices.js';

export interface BenchStackOptions {
  readonly mode: BenchMode;
  /** Every sandbox vendor answers after this (ms). */
  readonly vendorLatencyMs: number;
  /** The production build and environment to run (`productionServices`, made once per bench). */
  readonly production: ProductionServices;
  /** Extra environment of every service (e.g. the gateway's response cache off). */
  readonly env?: Record<string, string>;
}

/**
 * The system as production runs it, one process per service (sandbox vendors, each
 * subgraph, the gateway) on free loopback ports, wired as `npm start` wires it
 * (bench/chaos/startProcesses.ts), each from the production build with `NODE_ENV=production`
 * and its secrets (the gateway signs the identity it forwards). The bench process only
 * generates load and reads answers.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<ProcessStack> {
  return startProcesses(
    { ...options.production.env, ...modeEnv(options.mode), SANDBOX_LATENCY_MS: String(options.vendorLatencyMs), ...options.env },
    { build: options.production.build },
  );
}
