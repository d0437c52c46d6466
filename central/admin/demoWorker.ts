import { parentPort, workerData } from 'node:worker_threads';
import { demoBatch, type DemoBatchJob, type DemoKeys } from './demoRows';

/** Generates demo batches off the main thread, which meanwhile writes the previous ones. */
const data = workerData as { pepper: Uint8Array; cardKey: { id: string; key: Uint8Array } };
const keys: DemoKeys = { pepper: Buffer.from(data.pepper), cardKey: { id: data.cardKey.id, key: Buffer.from(data.cardKey.key) } };
parentPort!.on('message', (job: DemoBatchJob) => parentPort!.postMessage(demoBatch(job, keys)));
