import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import type { Role } from '../../../domain/roles';
import { DATA_FILES } from '../../../central/dataDir';
import { PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { startWorkstation, type TestWorkstation } from '../../support/workstation';
import { manualClock, type ManualClock } from './clock';
import { connectPage } from '../../../scripts/preview/pageBridge';
import type { SyncTuning } from '../../../electron/core/config';
import { FaultProxy } from '../../support/faultProxy';
import { serveRenderer } from './staticServer';

export { expect, PASSWORD };

/** The users of the e2e central store. */
export const USERS: Record<string, { displayName: string; role: Role }> = {
  'care.rep': { displayName: 'Casey Care', role: 'care_rep' },
  'care.rose': { displayName: 'Rose Ortega', role: 'care_rep' },
  'billing.bea': { displayName: 'Bea Billing', role: 'billing_clerk' },
  'sup.sam': { displayName: 'Sam Supervisor', role: 'supervisor' },
  'comp.cora': { displayName: 'Cora Compliance', role: 'compliance' },
  // issue 14: a second compliance officer, who approves what Cora prepares (a disclosure needs another officer)
  'comp.cole': { displayName: 'Cole Counsel', role: 'compliance' },
  // the administrator (issue 14: admin.spec.ts)
  'admin.ada': { displayName: 'Ada Admin', role: 'admin' },
  // issue 14: network operations
  'netops.nia': { displayName: 'Nia Netops', role: 'network_ops' },
};

/** One care desk: a browser page on the built renderer, wired to its own workstation core, on its own network link. */
export interface Desk {
  page: Page;
  ws: TestWorkstation;
  /** the desk's network cable to the store: cut, dripped, stalled (test/support/faultProxy.ts) */
  link: FaultProxy;
  clock: ManualClock;
}

interface Fixtures {
  customers: number;
  /** the central store's config.json (e.g. a `mailRelay`), written to its data dir and the store restarted on it before any desk opens; null: none */
  centralConfig: Record<string, unknown> | null;
  central: TestCentral;
  /** the central store's clock: real time, moved ahead by `advance` (a caller's verification running out on the store's clock, not the desk's) */
  storeClock: { now: () => Date; advance: (ms: number) => void };
  /** `drip`: bytes per second each way from the start; `sync`: shorter timeouts, so a stall shows within a test */
  openDesk: (options?: { name?: string; drip?: number; sync?: SyncTuning }) => Promise<Desk>;
}

const SCREENSHOTS = new URL('../screenshots/', import.meta.url);

export const test = base.extend<Fixtures, { renderer: { url: string; origin: string } }>({
  renderer: [
    async ({}, use) => {
      const server = await serveRenderer('out/renderer');
      await use({ url: server.url, origin: new URL(server.url).origin });
      await server.close();
    },
    { scope: 'worker' },
  ],
  customers: [300, { option: true }],
  centralConfig: [null, { option: true }],
  storeClock: async ({}, use) => {
    let offsetMs = 0;
    await use({ now: () => new Date(Date.now() + offsetMs), advance: (ms) => void (offsetMs += ms) });
  },
  central: async ({ customers, centralConfig, storeClock }, use) => {
    const central = await startTestCentral({ customers, users: {}, clock: storeClock.now });
    for (const [username, user] of Object.entries(USERS)) await central.store.admin.addUser({ username, ...user, password: PASSWORD });
    if (centralConfig) {
      // the store reads config.json when it starts
      writeFileSync(join(central.dataDir, DATA_FILES.config), JSON.stringify(centralConfig, null, 2));
      await central.restart();
    }
    await use(central);
    await central.dispose();
  },
  openDesk: async ({ browser, central, renderer }, use) => {
    const desks: { desk: Desk; close: () => Promise<void> }[] = [];
    await use(async ({ name = 'desk', drip, sync } = {}) => {
      const link = await FaultProxy.start(() => central.port);
      if (drip) link.drip(drip);
      const clock = manualClock();
      const ws = await startWorkstation({
        serverUrl: link.url(),
        caPem: central.store.caPem,
        enrolmentCode: central.enrolmentCode,
        enrolmentUrl: central.store.enrolmentUrl,
        clock: clock.now,
        deviceName: name,
        ...(sync ? { sync } : {}),
      });
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`[${name}] page error:`, err));
      const off = await connectPage(page, ws.core, renderer.origin);
      await page.goto(renderer.url);
      const desk = { page, ws, link, clock };
      desks.push({
        desk,
        close: async () => {
          off();
          await context.close();
          await ws.dispose();
          await link.close();
        },
      });
      return desk;
    });
    for (const { close } of desks.reverse()) await close();
  },
});

/**
 * A view as the rep sees it: saved as a screenshot under test/e2e/screenshots/ and checked with axe
 * in the light and the dark theme, which must find no violation of any severity (minor ones too:
 * an unlabelled region is as real to a screen-reader user as a missing name). The page is left in
 * the colour scheme it had.
 */
export async function capture(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname });
  const found: string[] = [];
  // a colour scheme switched under axe must be the scheme's colours, not a button's 80 ms transition
  // between the two (a loaded machine let axe sample one half-way: a contrast failure of no real colour);
  // the renderer's CSP refuses an injected style, so each check waits for the transitions to end.
  // Every rule runs in the light theme; the dark one changes colours only (its stylesheet is colours),
  // so there axe's colour rules run again: contrast (AA, as in the light run) and links told apart by colour alone.
  // Legacy mode: axe runs in the page itself, not again in a blank page; the renderer has no frames.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity), undefined, { timeout: 5_000 });
    const axe = new AxeBuilder({ page }).setLegacyMode(true);
    const { violations } = await (colorScheme === 'dark' ? axe.withRules(['color-contrast', 'link-in-text-block']) : axe).analyze();
    found.push(...violations.map((v) => `${colorScheme}: ${v.id} (${v.impact}): ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  }
  await page.emulateMedia({ colorScheme: null });
  expect(found, `axe on ${name}`).toEqual([]);
}
