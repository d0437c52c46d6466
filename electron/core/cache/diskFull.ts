import { CareDeskError } from '../../../domain/errors';

/**
 * SQLite's answers when the cache cannot grow: `SQLITE_FULL` (no page could be added: the volume
 * is full, or a write came back short), and `SQLITE_IOERR_SHMSIZE` (the WAL index could not be
 * enlarged: "the underlying filesystem volume may be out of space"). Other I/O errors may be a
 * failing disk and are not called full.
 */
const DISK_FULL_CODES: ReadonlySet<string> = new Set(['SQLITE_FULL', 'SQLITE_IOERR_SHMSIZE']);

const DISK_FULL =
  "The workstation's disk is full: the local cache could not write to it. Nothing saved before was lost " +
  '(queued changes are kept); free some space on this computer and try again.';

export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISK_FULL_CODES.has(code);
}

export function diskFull(err: unknown): CareDeskError {
  return new CareDeskError('disk_full', `${DISK_FULL} (${err instanceof Error ? err.message : String(err)})`);
}

/**
 * Runs a write to the cache and names a full disk as `disk_full`. The write was one transaction
 * (or one statement), which SQLite rolled back whole: the message may promise nothing was lost.
 */
export function namingFullDisk<T>(write: () => T): T {
  try {
    return write();
  } catch (err) {
    throw isDiskFull(err) ? diskFull(err) : err;
  }
}
