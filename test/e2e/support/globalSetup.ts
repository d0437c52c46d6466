import { buildRenderer } from '../../../scripts/buildRenderer';

/** The suite drives the renderer as built for Electron (out/renderer), built fresh for each run. */
export default async function globalSetup(): Promise<void> {
  await buildRenderer();
}
