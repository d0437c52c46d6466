import { createContext, useContext } from 'react';
import type { Workspace } from '../../domain/console/contract';
import { invoke } from '../api/client';

/**
 * What the rep has in hand (issue 13): the view, the customer open, its tab, the editor open and the
 * unsaved drafts. Kept by the workstation core in the encrypted cache as it changes (never in the
 * renderer's storage), so that a lock — which clears the screen — loses nothing of the call: after
 * the unlock the console opens where it was. Saving is debounced; a lock asked for here waits for it.
 */
const SAVE_AFTER_MS = 150;
const EMPTY: Workspace = { view: 'customers', customer: null, tab: 'overview', editing: null, drafts: {} };

let current: Workspace | null = null;
/** nothing is saved before the kept workspace is read: an early default must not overwrite it */
let loaded = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let saving: Promise<unknown> = Promise.resolve();

/** The workspace the core kept (null: nothing), read once when the console opens. */
export async function loadWorkspace(): Promise<Workspace | null> {
  const kept = await invoke('workspace.get', {}).catch(() => null);
  current = kept ?? current;
  loaded = true;
  return kept;
}

/** The console closed (a lock, a sign-out): what it held goes from memory; the core keeps its copy. */
export function forgetWorkspace(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  current = null;
  loaded = false;
}

/** The workspace as the console has it now (what was loaded, with every change since). */
export const workspaceNow = (): Workspace | null => current;

export function updateWorkspace(patch: Partial<Workspace>): void {
  current = { ...(current ?? EMPTY), ...patch };
  if (!loaded) return;
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => void flushWorkspace(), SAVE_AFTER_MS);
}

/** Saves what is not yet saved now (before a lock), and resolves once the core has it. */
export async function flushWorkspace(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  const snapshot = current;
  if (snapshot && loaded) saving = saving.then(() => invoke('workspace.save', snapshot)).catch(() => undefined);
  await saving;
}

/** A draft kept for a form, by key (`customerId:form`), or null to drop it (saved or cancelled). */
export function keepDraft(key: string, values: Record<string, unknown> | null): void {
  const drafts = { ...(current ?? EMPTY).drafts };
  if (values) drafts[key] = values;
  else delete drafts[key];
  updateWorkspace({ drafts });
}

export const draftOf = (key: string | null): Record<string, unknown> | null => (key ? (current?.drafts[key] ?? null) : null);

/** The key under which the forms below keep their drafts (`customerId:form`); none: not kept. */
export const DraftKey = createContext<string | null>(null);
export const useDraftKey = () => useContext(DraftKey);
