import type { TestProject } from 'vitest/node';
import { startLocalPostgres } from './postgres';

/** The postgres project's one server for the whole run: each central store gets a database of its own on it. */
export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startLocalPostgres();
  project.provide('postgresUrl', server.url());
  return () => server.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
