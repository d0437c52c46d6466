import { E911UpdateRequest, ServiceLinePlanChange, ServiceLineStatusChange, SERVICE_PLANS, type ServiceLine } from '../../../domain/entities/service';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { nextStates } from '../../../domain/lifecycles';
import type { Role } from '../../../domain/roles';
import type { z } from 'zod';
import { invoke } from '../../api/client';
import { AddressFields, addressDraft, addressOf, type AddressDraft } from '../../components/AddressFields';
import { Button } from '../../components/Button';
import { FormSelectField, FormTextField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { address } from '../../format';
import type { LineEntry } from './LineCard';
import { LINE_STATUS, lineStatus } from './lineLabels';

type Line = LineEntry['line'];
/** What a change says once the central store has it, for the view's status line. */
export type Done = (said: string) => void;

/** The issues of a form's values by the operation's own input schema (only the fields the form shows). */
const issuesBy = (schema: z.ZodType) => (values: unknown): FieldIssue[] => {
  const parsed = schema.safeParse(values);
  return parsed.success ? [] : issuesFromZod(parsed.error);
};
const PlanFields = ServiceLinePlanChange.pick({ plan: true, reason: true });
const StatusFields = ServiceLineStatusChange.pick({ status: true, reason: true });
const E911Fields = E911UpdateRequest.pick({ address: true, reason: true });

function Actions({ busy, label, onCancel }: { busy: boolean; label: string; onCancel: () => void }) {
  return (
    <div className="edit-actions">
      <Button type="submit" variant="primary" busy={busy}>
        {label}
      </Button>
      <Button onClick={onCancel}>Cancel</Button>
    </div>
  );
}

/** `serviceLine.changePlan`, online: from the plan this desk shows (`expected`) to another of the price list. */
export function PlanForm({ line, onDone, onCancel }: { line: Line; onDone: Done; onCancel: () => void }) {
  const domain = useDomainForm<{ plan: string; reason: string }>({
    defaultValues: { plan: line.plan ?? '', reason: '' },
    check: issuesBy(PlanFields),
    shows: (field) => field === 'plan' || field === 'reason',
    refusal: 'Plan not changed',
    draft: `${line.id}:linePlan`,
  });
  const submit = domain.submit(async (values) => {
    const { plan, reason } = PlanFields.parse(values);
    try {
      const result = await invoke('serviceLine.changePlan', { lineId: line.id, expected: line.plan as ServiceLine['plan'], plan, reason });
      domain.forgetDraft();
      onDone(result.status === 'unchanged' ? `The line is already on ${plan}: nothing changed.` : `Plan changed to ${plan} at the central store.`);
    } catch (err) {
      domain.refused(err);
    }
  });
  return (
    <form className="line-form" aria-label="Change the plan" onSubmit={submit} noValidate>
      <FormSelectField control={domain.control} name="plan" label="Plan" options={SERVICE_PLANS.map((p) => ({ value: p, label: p }))} />
      <FormTextField control={domain.control} name="reason" label="Reason" placeholder="Why does the plan change? (order, ticket…)" maxLength={500} />
      <FormRefusal form={domain} />
      <Actions busy={domain.busy} label="Change plan" onCancel={() => (domain.forgetDraft(), onCancel())} />
    </form>
  );
}

/** `serviceLine.setStatus`, online: the steps of the line's lifecycle this role may take from the status this desk shows. */
export function StatusForm({ line, role, onDone, onCancel }: { line: Line; role: Role; onDone: Done; onCancel: () => void }) {
  const steps = nextStates('serviceLine', line.status ?? null, role);
  const domain = useDomainForm<{ status: string; reason: string }>({
    defaultValues: { status: steps[0] ?? '', reason: '' },
    check: issuesBy(StatusFields),
    shows: (field) => field === 'status' || field === 'reason',
    refusal: 'Status not changed',
    draft: `${line.id}:lineStatus`,
  });
  if (steps.length === 0) return <p className="muted">No status change from {lineStatus(line.status).label.toLowerCase()}: the number left for another carrier, which keeps its service now.</p>;
  const submit = domain.submit(async (values) => {
    const { status, reason } = StatusFields.parse(values);
    try {
      const result = await invoke('serviceLine.setStatus', { lineId: line.id, expected: line.status as ServiceLine['status'], status, reason });
      domain.forgetDraft();
      onDone(result.status === 'unchanged' ? `The line is already ${LINE_STATUS[status].label.toLowerCase()}: nothing changed.` : `Status changed to ${LINE_STATUS[status].label.toLowerCase()} at the central store.`);
    } catch (err) {
      domain.refused(err);
    }
  });
  return (
    <form className="line-form" aria-label="Change the status" onSubmit={submit} noValidate>
      <FormSelectField control={domain.control} name="status" label={`From ${lineStatus(line.status).label.toLowerCase()} to`} options={steps.map((s) => ({ value: s, label: lineStatus(s).label }))} />
      <FormTextField control={domain.control} name="reason" label="Reason" placeholder="Why? (carrier ticket, porting request…)" maxLength={500} />
      <FormRefusal form={domain} />
      <Actions busy={domain.busy} label="Change status" onCancel={() => (domain.forgetDraft(), onCancel())} />
    </form>
  );
}

/**
 * `serviceLine.setE911Address`, online: any valid address for network operations (a business line may
 * be elsewhere); a flagged line starts from its customer's service address, which clears the flag.
 */
export function E911Form({ entry, onDone, onCancel }: { entry: LineEntry; onDone: Done; onCancel: () => void }) {
  const { line, customer } = entry;
  const serviceAddress = customer?.serviceAddress ?? null;
  const domain = useDomainForm<{ address: AddressDraft; reason: string }>({
    defaultValues: { address: addressDraft(line.e911Review && serviceAddress ? serviceAddress : line.e911Address), reason: '' },
    check: (values) => issuesBy(E911Fields)({ ...values, address: addressOf(values.address) }),
    shows: (field) => field.startsWith('address.') || field === 'reason',
    refusal: 'E911 address not updated',
    draft: `${line.id}:lineEmergencyAddress`,
  });
  const submit = domain.submit(async (values) => {
    const { address: to, reason } = E911Fields.parse({ ...values, address: addressOf(values.address) });
    try {
      const result = await invoke('serviceLine.setE911Address', { lineId: line.id, expected: line.e911Address!, address: to, reason });
      domain.forgetDraft();
      onDone(
        result.status === 'unchanged'
          ? 'The E911 address was already this one: nothing changed.'
          : `E911 address updated to ${address(to)} at the central store${result.reviewCleared ? '; the review flag is cleared' : ''}.`,
      );
    } catch (err) {
      domain.refused(err);
    }
  });
  return (
    <form className="line-form" aria-label="Update the E911 address" onSubmit={submit} noValidate>
      <AddressFields
        control={domain.control}
        path="address"
        legend="E911 address"
        hint={serviceAddress ? <>Service address on file: {address(serviceAddress)}</> : undefined}
        issueFor={domain.issueFor}
        wide
      />
      {serviceAddress && (
        <Button icon="home" onClick={() => domain.form.setValue('address', addressDraft(serviceAddress), { shouldValidate: true, shouldDirty: true })}>
          Use the service address
        </Button>
      )}
      <FormTextField control={domain.control} name="reason" label="Reason" placeholder="Why? (confirmed with the customer, site survey…)" maxLength={500} />
      <FormRefusal form={domain} />
      <Actions busy={domain.busy} label="Update E911 address" onCancel={() => (domain.forgetDraft(), onCancel())} />
    </form>
  );
}
