import { describe, it } from 'vitest';
import { testBackend } from './testDatabase';

/**
 * A test of what SQLite alone does — copying its file as a backup and putting it back — defined in
 * the sqlite project's run and not in the postgres project's, where PostgreSQL's own tools back up
 * and restore (central/README.md). Used where one test of a file is about it and the rest is not.
 */
export const sqliteOnly: typeof it = testBackend() === 'sqlite' ? it : (((..._args: unknown[]) => undefined) as unknown as typeof it);

/** A group of such tests (see `sqliteOnly`). */
export const describeSqliteOnly: typeof describe = testBackend() === 'sqlite' ? describe : (((..._args: unknown[]) => undefined) as unknown as typeof describe);
