import { useQuery } from '@tanstack/react-query';
import { invoke } from '../../api/client';

/** The key of the signed-in user's policy status: asked of the central store each time the console opens (sign-in, unlock). */
export const policyStatusKey = (userId: string) => ['policyVersion.status', userId] as const;
export const policyVersionsKey = ['policyVersion.list'] as const;

/**
 * The privacy policy in force and this user's acknowledgement, read online from the central store.
 * Not kept once the console closes (`gcTime: 0`): a lock or a sign-out drops it, so that the next
 * unlock or sign-in asks the store again and never opens on an answer from before.
 */
export function usePolicyStatus(userId: string) {
  return useQuery({ queryKey: policyStatusKey(userId), queryFn: () => invoke('policyVersion.status', {}), gcTime: 0 });
}
