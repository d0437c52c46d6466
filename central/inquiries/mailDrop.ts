import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { CareDeskError } from '../../domain';
import type { StoreContext } from '../context';
import { ingestMessage, type Ingestion } from './ingest';
import { MAX_MESSAGE_BYTES } from './mailMessage';

/**
 * Where email inquiries come from (issue 12): a directory of `.eml` files, or a Maildir (`new/`,
 * `cur/`, `tmp/`, as a mail server's local delivery writes it). Each message is ingested once and
 * then put where no later run reads it again: an `.eml` file into `processed/`, a Maildir message
 * into `cur/` flagged Seen (`:2,S`, the Maildir way; one already flagged Seen is taken as
 * processed). A refused message goes to `failed/` with a `.reason.txt` beside it naming the rule,
 * so nothing is lost. A message the store could not take (the database, not the message) stays
 * where it is for the next run. Ingested or duplicate, a message is moved only after its commit,
 * so a run cut short leaves nothing half done: the next run finds it a duplicate and moves it.
 */

export const MAIL_DROP_INTERVAL_MINUTES = 5;

export interface MailDropRun {
  ingested: number;
  duplicates: number;
  /** each refused message: its file (relative to the drop), the rule and why; moved to `failed/` */
  refused: { file: string; rule: string; message: string }[];
  /** a message the store failed to take, left in place for the next run (which then stopped) */
  failed: { file: string; message: string }[];
}

interface PendingMessage {
  /** relative to the drop, as reported */
  file: string;
  path: string;
  /** where it goes once ingested or found a duplicate */
  done: () => string;
}

/** Ingests every message waiting in `dir`, one at a time, until done or `signal` is aborted. */
export async function ingestMailDrop(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, dir: string, options: { signal?: AbortSignal } = {}): Promise<MailDropRun> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CareDeskError('not_found', `no mail drop at ${dir}: give a directory of .eml files or a Maildir`);
  const run: MailDropRun = { ingested: 0, duplicates: 0, refused: [], failed: [] };
  for (const message of waiting(dir)) {
    if (options.signal?.aborted) break;
    const outcome = await ingestFile(ctx, message);
    if (outcome.outcome === 'gone') continue;
    if (outcome.outcome === 'failed') {
      run.failed.push({ file: message.file, message: outcome.message });
      break;
    }
    if (outcome.outcome === 'refused') {
      run.refused.push({ file: message.file, rule: outcome.rule, message: outcome.message });
      moveFailed(dir, message, `${outcome.rule}: ${outcome.message}`);
      continue;
    }
    if (outcome.outcome === 'ingested') run.ingested++;
    else run.duplicates++;
    move(message.path, message.done());
  }
  return run;
}

/** `gone`: another run (the CLI beside `serve`) took the message first */
async function ingestFile(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, message: PendingMessage): Promise<Ingestion | { outcome: 'gone' } | { outcome: 'failed'; message: string }> {
  let bytes: Buffer;
  try {
    const stat = lstatSync(message.path);
    if (!stat.isFile()) return { outcome: 'refused', rule: 'mail.not_a_file', message: 'not a regular file (a link or a folder is never followed)' };
    if (stat.size > MAX_MESSAGE_BYTES) return { outcome: 'refused', rule: 'mail.too_large', message: `the message is ${stat.size} bytes; at most ${MAX_MESSAGE_BYTES} are read` };
    bytes = await readFile(message.path);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return { outcome: 'gone' };
    throw err;
  }
  try {
    return await ingestMessage(ctx, bytes);
  } catch (err) {
    return { outcome: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}

/** The messages waiting, oldest name first: a Maildir's `new/` and unseen `cur/`, or the `.eml` files of a folder. */
function waiting(dir: string): PendingMessage[] {
  const names = (sub: string) => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)).filter((n) => !n.startsWith('.')).sort() : []);
  if (isMaildir(dir)) {
    return ['new', 'cur'].flatMap((sub) =>
      names(sub)
        .filter((name) => !maildirFlags(name).flags.includes('S'))
        .map((name) => ({ file: `${sub}/${name}`, path: join(dir, sub, name), done: () => join(dir, 'cur', seen(name)) })),
    );
  }
  return names('.')
    .filter((name) => extname(name).toLowerCase() === '.eml')
    .map((name) => ({ file: name, path: join(dir, name), done: () => freeName(join(dir, 'processed'), name) }));
}

function isMaildir(dir: string): boolean {
  return ['new', 'cur'].every((sub) => existsSync(join(dir, sub)) && statSync(join(dir, sub)).isDirectory());
}

/** A Maildir name's unique part and flags: `1700000000.M1P2.host:2,FS` → `1700000000.M1P2.host`, `FS` */
function maildirFlags(name: string): { unique: string; flags: string } {
  const at = name.lastIndexOf(':2,');
  return at < 0 ? { unique: name, flags: '' } : { unique: name.slice(0, at), flags: name.slice(at + 3) };
}

/** the name with the Seen flag added, flags in ASCII order as Maildir wants them */
function seen(name: string): string {
  const { unique, flags } = maildirFlags(name);
  return `${unique}:2,${[...new Set([...flags, 'S'])].sort().join('')}`;
}

function moveFailed(dir: string, message: PendingMessage, reason: string): void {
  const target = freeName(join(dir, 'failed'), basename(message.path));
  if (move(message.path, target)) writeFileSync(`${target}.reason.txt`, `${reason}\n`, { mode: 0o600 });
}

/** `dir/name`, or `dir/name-1.eml`, `-2`… when taken; the folder made (owner only: the messages hold what redaction removes) */
function freeName(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = join(dir, i ? `${stem}-${i}${ext}` : name);
    if (!existsSync(candidate) && !existsSync(`${candidate}.reason.txt`)) return candidate;
  }
}

/** false when the message is gone: another run (the CLI beside `serve`) took it first */
function move(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return false;
    throw err;
  }
}

export interface MailDropSchedule {
  stop(): Promise<void>;
}

/**
 * The serving store's mail drop (config `mailDrop`): read at start and then every `intervalMs`.
 * The first run is not awaited (a backlog must not keep the store from listening); stopping ends a
 * run between two messages and waits for it. A failed run is reported and tried again at the next.
 */
export function scheduleMailDrop(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>,
  options: { dir: string; intervalMs: number; report?: (message: string) => void },
): MailDropSchedule {
  const report = options.report ?? ((message: string) => console.error(`mail drop: ${message}`));
  const stopping = new AbortController();
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= ingestMailDrop(ctx, options.dir, { signal: stopping.signal })
      .then((result) => {
        const summary = describeRun(result);
        if (summary) report(summary);
      })
      .catch((err: unknown) => report(err instanceof Error ? err.message : String(err)))
      .finally(() => {
        running = null;
      });
  };
  run();
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}

/** `2 ingested, 1 duplicate(s), 1 refused (failed/x.eml: inquiry.return_address …)`, or '' when nothing happened */
export function describeRun(run: MailDropRun): string {
  if (!run.ingested && !run.duplicates && !run.refused.length && !run.failed.length) return '';
  const lines = [`${run.ingested} ingested, ${run.duplicates} duplicate(s), ${run.refused.length} refused`];
  for (const r of run.refused) lines.push(`  refused ${r.file}: ${r.rule}: ${r.message} (moved to failed/)`);
  for (const f of run.failed) lines.push(`  not taken ${f.file}: ${f.message} (left in place; tried again next run)`);
  return lines.join('\n');
}
