import type { PolicyPublishRequest, PolicyVersion, PolicyVersionList } from '../../domain';
import type { StoreContext } from '../context';
import { listPolicyVersions, publishPolicyVersion, seedDemoPolicy, type PolicyActor } from './policyVersions';

export type { PolicyActor } from './policyVersions';

/**
 * Privacy-policy versions for the CLI, `npm start` and tests: the same functions the operations
 * route calls for an admin's console (policyVersions.ts), with the caller named for the audit row.
 */
export interface CentralPolicy {
  publish(request: PolicyPublishRequest, by: PolicyActor): Promise<PolicyVersion>;
  list(by: PolicyActor): Promise<PolicyVersionList>;
  /** version 1 of the demo store, unless a version exists */
  seedDemo(): Promise<PolicyVersion | null>;
}

export function centralPolicy(ctx: Pick<StoreContext, 'db' | 'clock'>): CentralPolicy {
  return {
    publish: (request, by) => publishPolicyVersion(ctx, by, request),
    list: (by) => listPolicyVersions(ctx, by),
    seedDemo: () => seedDemoPolicy(ctx),
  };
}

/** The command line as an actor: no user, no device; its audit rows name the OS account. */
export const commandLine = (by: string): PolicyActor => ({ userId: null, role: null, deviceId: null, name: by });
