import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { demoBatch, type DemoBatch, type DemoBatchJob, type DemoKeys } from './demoRows';

/**
 * The demo batches of `jobs`, in order. Generating a customer costs about as much as writing it,
 * so large seeds generate on worker threads while the caller writes; small ones stay in-process.
 */
export async function* demoBatches(jobs: DemoBatchJob[], keys: DemoKeys, useWorkers: boolean): AsyncGenerator<DemoBatch> {
  // the caller's thread is busy writing: leave it a core
  const workers = useWorkers ? await startWorkers(Math.max(1, Math.min(3, availableParallelism() - 1)), keys) : [];
  if (!workers.length) {
    for (const job of jobs) yield demoBatch(job, keys);
    return;
  }
  try {
    // each worker keeps one job queued behind the one it is working on
    const pending: Promise<DemoBatch>[] = [];
    let next = 0;
    const submit = () => {
      if (next >= jobs.length) return;
      pending.push(runJob(workers[next % workers.length]!, jobs[next]!));
      next++;
    };
    for (let i = 0; i < workers.length * 2; i++) submit();
    while (pending.length) {
      yield await pending.shift()!;
      submit();
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Jobs given to one worker are answered in order, so answers are matched by a queue. */
const queues = new WeakMap<Worker, { resolve: (b: DemoBatch) => void; reject: (e: Error) => void }[]>();

function runJob(worker: Worker, job: DemoBatchJob): Promise<DemoBatch> {
  return new Promise((resolve, reject) => {
    queues.get(worker)!.push({ resolve, reject });
    worker.postMessage(job);
  });
}

/**
 * Starts worker threads, loading the TypeScript worker through tsx's loader (workers do not inherit
 * it). Where that is not possible the seed simply runs in-process.
 */
async function startWorkers(count: number, keys: DemoKeys): Promise<Worker[]> {
  let loader: string;
  try {
    loader = import.meta.resolve('tsx/esm/api');
  } catch {
    return [];
  }
  const script = new URL('./demoWorker.ts', import.meta.url).href;
  const source = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`;
  const workers = Array.from({ length: count }, () => new Worker(source, { eval: true, workerData: { pepper: keys.pepper, cardKey: keys.cardKey } }));
  for (const worker of workers) {
    const queue: { resolve: (b: DemoBatch) => void; reject: (e: Error) => void }[] = [];
    queues.set(worker, queue);
    worker.on('message', (batch: DemoBatch) => queue.shift()?.resolve(batch));
    worker.on('error', (err) => queue.splice(0).forEach((p) => p.reject(err)));
    worker.on('exit', (code) => queue.splice(0).forEach((p) => p.reject(new Error(`demo worker exited (${code})`))));
  }
  return workers;
}
