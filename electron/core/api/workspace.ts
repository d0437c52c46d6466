import { Workspace } from '../../../domain/console/contract';
import { META } from '../cache/meta';
import type { OpenSession } from '../session/session';

/**
 * The workspace kept in the encrypted cache (issue 13), as the contract states it: one that no longer
 * parses (written by another version, damaged) is dropped rather than shown half-restored.
 */
export function keptWorkspace(s: OpenSession): Workspace | null {
  const raw = s.cache.getMeta(META.workspace);
  if (!raw) return null;
  try {
    return Workspace.parse(JSON.parse(raw));
  } catch {
    s.cache.deleteMeta(META.workspace);
    return null;
  }
}
