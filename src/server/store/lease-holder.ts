import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a lease row: the caller's owner string plus enough about the holding process to
 * tell, from another process on the same machine, whether that process still lives.
 */
export interface LeaseHolder {
  owner: string;
  /** Host name and PID namespace: PIDs compare only within one of these. */
  machine: string;
  /** Kernel boot id (Linux), so a PID from before a reboot is never taken for a live one. */
  boot: string;
  pid: number;
  /** Random per process start: tells a dead process from a new one that got the same PID (PID 1 in containers). */
  process: string;
}

function read(fn: () => string): string {
  try {
    return fn().trim();
  } catch {
    return '';
  }
}

const PROCESS_TOKEN = randomUUID();

/** This process, as it appears in the leases it takes. */
export function thisProcess(): Omit<LeaseHolder, 'owner'> {
  return {
    machine: `${hostname()}|${read(() => readlinkSync('/proc/self/ns/pid'))}`,
    boot: read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pid: process.pid,
    process: PROCESS_TOKEN,
  };
}

/** True when a process with this PID exists (EPERM: it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The text stored in a lease row's `owner` column. */
export function encodeHolder(owner: string, self = thisProcess()): string {
  return JSON.stringify({ owner, ...self } satisfies LeaseHolder);
}

/** Parses a stored holder; null for rows written before holders were recorded (plain owner strings). */
export function decodeHolder(stored: string): LeaseHolder | null {
  try {
    const value = JSON.parse(stored) as Partial<LeaseHolder> | null;
    if (!value || typeof value.owner !== 'string' || typeof value.machine !== 'string' || typeof value.pid !== 'number' || typeof value.process !== 'string') return null;
    return { owner: value.owner, machine: value.machine, boot: typeof value.boot === 'string' ? value.boot : '', pid: value.pid, process: value.process };
  } catch {
    return null;
  }
}

/**
 * Whether the holder is certainly dead, so its lease can be taken over at once. Only a holder
 * on this machine can be judged; any other is presumed alive and its lease waits for its expiry
 * (it stops being renewed when its process dies).
 */
export function holderIsDead(holder: LeaseHolder, self = thisProcess(), alive: (pid: number) => boolean = pidAlive): boolean {
  if (holder.machine !== self.machine) return false;
  if (holder.boot && self.boot && holder.boot !== self.boot) return true;
  // Our own PID: either this very process (alive) or an earlier one that had the same PID.
  if (holder.pid === self.pid) return holder.process !== self.process;
  return !alive(holder.pid);
}
