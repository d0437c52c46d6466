import type { OfflineOperationName } from '../../../../domain/operations';
import { Button } from '../../../components/Button';
import { FormTextField } from '../../../components/FormField';
import { FormRefusal } from '../../../components/Notice';
import { useRecordChange } from '../../../hooks/useRecordChange';
import { useReasonForm } from './useReasonForm';
import { closeOnEscape } from '../../../hooks/useHotkeys';

export interface StepLabel {
  /** the button ("Mark contacted", "Release the hold") */
  action: string;
  /** the reason's placeholder */
  example: string;
}

/**
 * One step of a record's lifecycle with the reason for it (a transition declared in
 * domain/operations.ts: lead.setStatus, inquiry.setStatus, legalHold.release), queued on this desk
 * like any change. Escape or Cancel closes it; `onClose` is told after a step is queued too.
 */
export function StepForm({ operation, recordId, to, step, name, className = 'approval-form', onClose }: {
  operation: OfflineOperationName;
  recordId: string;
  /** the status it steps to */
  to: string;
  step: StepLabel;
  /** what the step is taken on, for the form's accessible name */
  name: string;
  className?: string;
  onClose: () => void;
}) {
  const change = useRecordChange();
  const domain = useReasonForm('Not changed');
  const save = domain.submit(async ({ reason }) => {
    try {
      await change({ operation, id: recordId, values: { status: to }, reason: reason.trim() });
      onClose();
    } catch (err) {
      domain.refused(err);
    }
  });
  return (
    <form className={className} aria-label={`${step.action}: ${name}`} onSubmit={save} onKeyDown={closeOnEscape(onClose)} noValidate>
      <FormTextField control={domain.control} name="reason" label={`Reason to ${step.action.charAt(0).toLowerCase()}${step.action.slice(1)}`} placeholder={step.example} maxLength={500} autoFocus />
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" busy={domain.busy} shortcut="Enter">
          {step.action}
        </Button>
        <Button onClick={onClose} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
