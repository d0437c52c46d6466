/**
 * The central store as its own process, for the crash harness's "central store killed mid-push"
 * scenario (harness.ts): the real store on a data dir the harness prepared, on fixed loopback
 * ports (API, enrolment) so that a restart answers where the desk already looks. The store's log is on at debug
 * level, on stdout (a `request received` line per request, by route template): the harness reads it to kill the
 * store while a push is in flight.
 * Prints `ready <url> <enrolment url>` once it listens.
 *
 *   tsx test/crash/central.ts DATA_DIR PORT ENROLMENT_PORT
 */
import { startCentralStore } from '../../central';

const [dataDir, port, enrolmentPort] = process.argv.slice(2);
const store = await startCentralStore({ dataDir: dataDir!, port: Number(port), enrolmentPort: Number(enrolmentPort), log: { level: 'debug' } });
process.stdout.write(`ready ${store.url} ${store.enrolmentUrl}\n`);
process.on('SIGTERM', () => void store.close().then(() => process.exit(0)));
