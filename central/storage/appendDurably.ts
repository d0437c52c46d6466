import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * Appends `text` to a file kept outside the database (the erasure ledger, the audit checkpoints),
 * readable by the service account only, and syncs it before returning: what the store reports
 * written is on disk.
 */
export function appendDurably(file: string, text: string): void {
  appendFileSync(file, text, { mode: 0o600 });
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
