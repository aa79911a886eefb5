/**
 * Who this process is, in a form other processes sharing the database and blob folder can
 * read: the owner written on the task leases it holds and the name of its scratch folder.
 * On Linux the tag carries the boot and the PID namespace, so a process on the same machine
 * (and in the same container) can tell for sure that the tag's process has exited, and take
 * its work back at once instead of waiting for its lease to run out. Anywhere else a tag's
 * process is never taken for gone: its leases simply expire.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** This machine's boot and this process's PID namespace; null where /proc does not say. */
function machineSlot(): { boot: string; pidNamespace: string } | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pidNamespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    if (!/^[0-9a-f-]{36}$/.test(boot) || pidNamespace === undefined) return null;
    return { boot, pidNamespace };
  } catch {
    return null;
  }
}

const slot = machineSlot();

/** Where the main thread leaves its tag for the worker threads it starts (each evaluates this module afresh). */
const INHERITED = 'CANOPY_PROCESS_TAG';

/**
 * This process's tag: `<boot id>.<pid namespace>.<pid>.<random>`, or `unknown.unknown.<pid>.<random>`
 * where the machine cannot say. Only letters, digits, `.` and `-`, so it is a file name too.
 * Every thread of the process has the same tag (a child process makes its own).
 */
export const PROCESS_TAG = (!isMainThread && process.env[INHERITED])
  || `${slot?.boot ?? 'unknown'}.${slot?.pidNamespace ?? 'unknown'}.${process.pid}.${randomBytes(6).toString('hex')}`;
if (isMainThread) process.env[INHERITED] = PROCESS_TAG;

/**
 * True only when the tag's process has surely exited: it ran on this boot of this machine, in
 * this PID namespace, and no process has its PID now. A PID taken again by another process
 * reads as alive, which only means waiting for the lease to expire.
 */
export function processGone(tag: string): boolean {
  if (slot === null || tag === PROCESS_TAG) return false;
  const [boot, pidNamespace, pidText] = tag.split('.');
  if (boot !== slot.boot || pidNamespace !== slot.pidNamespace || !/^\d+$/.test(pidText ?? '')) return false;
  try {
    process.kill(Number(pidText), 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
