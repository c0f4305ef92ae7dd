import { availableParallelism, loadavg } from 'node:os';

/** The machine's load when a cell of the bench starts or ends: a figure is only as good as the machine was quiet. */
export interface MachineLoad {
  /** 1-minute load average. */
  readonly load1: number;
  /** 5-minute load average. */
  readonly load5: number;
  readonly cores: number;
}

export function machineLoad(): MachineLoad {
  const [load1 = 0, load5 = 0] = loadavg();
  return { load1, load5, cores: availableParallelism() };
}

/** e.g. "1.92→2.40 /2 cores": the 1-minute load average at start and end of a cell. */
export function formatLoad(start: MachineLoad, end: MachineLoad): string {
  return `${start.load1.toFixed(2)}→${end.load1.toFixed(2)} /${end.cores}`;
}
