import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A real PostgreSQL server for tests and benchmarks (issue 15): Debian's `postgresql` binaries
 * (TOOLCHAIN.md: under /usr/lib/postgresql/<version>/bin), a cluster made by `initdb` in a temporary
 * directory and started by `pg_ctl` on a free port of 127.0.0.1, stopped and removed by `stop()` (and
 * at the latest when the process exits). `initdb` and `pg_ctl` refuse to run as root, and CI runs as
 * root: there they run as `nobody`, owner of the directory. Password authentication (SCRAM) over
 * TCP, as a production server would ask. Durability is relaxed (fsync off) unless `durable` is asked:
 * what these tests kill is the central store, never the database server.
 */
export interface LocalPostgres {
  /** the superuser's URL of database `name` */
  url(name?: string): string;
  /** a new empty database, its URL */
  createDatabase(prefix?: string): Promise<string>;
  stop(): void;
}

const USER = 'caredesk';

export function postgresBinDir(): string {
  const fromEnv = process.env.CAREDESK_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed: `apt-get install -y postgresql` (bash scripts/preflight.sh does it), or set CAREDESK_PG_BIN to the directory of initdb and pg_ctl');
  return join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface LocalPostgresOptions {
  /**
   * Commits reach the disk as on a production server (fsync, synchronous_commit, full-page writes on):
   * what a benchmark of the central store measures (bench/load.ts). Tests leave it off.
   */
  durable?: boolean;
  /** more `-c name=value` server settings, e.g. `shared_preload_libraries=pg_stat_statements` */
  settings?: string[];
}

export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  const root = mkdtempSync(join(tmpdir(), 'caredesk-pg-'));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim()) } : null;
  if (owner) {
    chownSync(root, owner.uid, owner.gid);
    chmodSync(root, 0o700);
  }
  const run = (command: string, args: string[]) => {
    const [file, argv] = owner ? ['runuser', ['-u', 'nobody', '--', join(bin, command), ...args]] : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8', cwd: root, timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  };
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(root, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  const data = join(root, 'data');
  run('initdb', ['-D', data, '-U', USER, '--pwfile', pwfile, '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8', '--no-sync', '--wal-segsize', '1']);
  rmSync(pwfile);
  const port = await freePort();
  const relaxed = options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
  const settings = [`-p ${port}`, "-c listen_addresses='127.0.0.1'", `-k ${root}`, ...relaxed, '-c max_connections=300', '-c wal_recycle=off', '-c min_wal_size=2MB', ...(options.settings ?? []).map((s) => `-c ${s}`)].join(' ');
  run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  process.on('exit', stop);
  const url = (name = 'postgres') => `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${name}`;
  return {
    url,
    async createDatabase(prefix = 'caredesk') {
      const name = `${prefix}_${randomBytes(6).toString('hex')}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}
