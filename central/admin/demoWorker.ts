import { parentPort, workerData } from 'node:worker_threads';
import { demoBatch, type DemoBatchJob } from './demoRows';

/** Generates demo batches off the main thread, which meanwhile writes the previous ones. */
const pepper = Buffer.from((workerData as { pepper: Uint8Array }).pepper);
parentPort!.on('message', (job: DemoBatchJob) => parentPort!.postMessage(demoBatch(job, pepper)));
