import { useQueryClient } from '@tanstack/react-query';
import type { KeyboardEvent } from 'react';
import { issuesFromZod } from '../../../domain/errors';
import { POLICY_CHANGES_MAX, PolicyPublishRequest, type PolicyVersion } from '../../../domain/policyVersions';
import { invoke } from '../../api/client';
import { Button } from '../../components/Button';
import { FormTextAreaField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { closeOnEscape } from '../../hooks/useHotkeys';
import { policyVersionsKey } from './usePolicyStatus';

/**
 * Publishing a new privacy-policy version (policyVersion.publish, online, admins only): what changed,
 * checked as typed by the domain's own request schema; the central store numbers the version, and it
 * is never edited afterwards, so the form says so before it is sent. Kept as typed across a lock.
 */
export function PublishPolicyForm({ nextVersion, onDone }: { nextVersion: number; onDone: (published: PolicyVersion | null) => void }) {
  const queryClient = useQueryClient();
  const domain = useDomainForm<PolicyPublishRequest>({
    draft: 'policy:publish',
    defaultValues: { changes: '' },
    check: (draft) => {
      const parsed = PolicyPublishRequest.safeParse(draft);
      return parsed.success ? [] : issuesFromZod(parsed.error);
    },
    shows: (field) => field === 'changes',
    refusal: 'Not published',
  });
  const send = domain.submit(async (draft) => {
    try {
      const { published } = await invoke('policyVersion.publish', PolicyPublishRequest.parse(draft));
      domain.forgetDraft();
      await queryClient.invalidateQueries({ queryKey: policyVersionsKey });
      onDone(published);
    } catch (err) {
      domain.refused(err);
    }
  });
  const cancel = () => (domain.forgetDraft(), onDone(null));
  const escape = closeOnEscape(cancel);
  const onKeyDown = (event: KeyboardEvent) => escape(event);

  return (
    <form className="policy-form" aria-label={`Publish version ${nextVersion}`} onSubmit={send} onKeyDown={onKeyDown} noValidate>
      <FormTextAreaField
        control={domain.control}
        name="changes"
        label="What changed"
        rows={7}
        autoFocus
        spellCheck
        hint={`What staff read at their next sign-in, in a few paragraphs (at most ${POLICY_CHANGES_MAX.toLocaleString('en-US')} characters; a blank line starts a new paragraph).`}
      />
      <p className="muted small">
        Version {nextVersion} cannot be changed once published. Every staff user is asked to acknowledge it at their next sign-in, or at an unlock that reaches the central store; consents and leads recorded from then on carry version {nextVersion}.
      </p>
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" icon="shieldCheck" busy={domain.busy}>
          Publish version {nextVersion}
        </Button>
        <Button onClick={cancel} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
