import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second: the unit of utime and stime in /proc/<pid>/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * User + system CPU of a process so far, in seconds (/proc/<pid>/stat, every thread of
 * it: GC and libuv's pool included). Read it before and after a measured window: the
 * difference per request holds on a noisy machine, where requests/s does not.
 */
export function cpuSeconds(pid: number): number {
  // Fields after the command (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The most resident memory a process has had since it started (VmHWM of /proc/<pid>/status), in bytes. */
export function peakRssBytes(pid: number): number {
  return statusKb(pid, 'VmHWM') * 1024;
}

/** The resident memory of a process now (VmRSS of /proc/<pid>/status), in bytes. */
export function rssBytes(pid: number): number {
  return statusKb(pid, 'VmRSS') * 1024;
}

/** One `<field>:   <n> kB` line of /proc/<pid>/status. */
function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(match[1]);
}
