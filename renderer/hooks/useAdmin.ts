import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput, ChannelOutput } from '../../domain/console/contract';
import { invoke, messageOf } from '../api/client';
import { queryKeys } from './queries';

/**
 * What an administrator reads, online from the central store (the admin's desk caches nothing of
 * it): staff accounts with their teams and desks, and workstations with the open enrolment codes and
 * the session policy. Every admin change makes both stale.
 */
export function useStaff() {
  const query = useQuery({ queryKey: queryKeys.adminUsers, queryFn: () => invoke('admin.users', {}), gcTime: 0 });
  return { directory: query.data ?? null, error: query.error ? messageOf(query.error) : null };
}

export function useWorkstations() {
  const query = useQuery({ queryKey: queryKeys.adminDevices, queryFn: () => invoke('admin.devices', {}), gcTime: 0 });
  return { directory: query.data ?? null, error: query.error ? messageOf(query.error) : null };
}

type AdminChange = 'admin.createUser' | 'admin.disableUser' | 'admin.enableUser' | 'admin.changeRole' | 'admin.assignTeam' | 'admin.resetPassword' | 'admin.saveTeam' | 'admin.revokeDevice' | 'admin.issueEnrolmentCode' | 'admin.setSessionPolicy' | 'secondFactor.reset';

/**
 * One admin operation; what the admin reads is fetched again after it, whatever the outcome. Its
 * answer may be a temporary password or an enrolment code, shown once by the form that asked: the
 * query client keeps no copy of it (gcTime 0) to outlive the form across a lock or a sign-out.
 */
export function useAdminChange<C extends AdminChange>(channel: C) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: (input: ChannelInput<C>) => invoke(channel, input) as Promise<ChannelOutput<C>>,
    onSettled: () => client.invalidateQueries({ queryKey: ['admin'] }),
    gcTime: 0,
  });
  return mutation.mutateAsync;
}
