/**
 * Whether a process of this host with that pid exists: a lock or a staging folder whose
 * owner is gone may be taken over. EPERM says it exists, as another user's process.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
