import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

type Tone = 'info' | 'good' | 'warn' | 'bad';
const ICONS: Record<Tone, IconName> = { info: 'clock', good: 'check', warn: 'alert', bad: 'alert' };

/** An inline message. `assertive` for errors the rep must hear now; polite otherwise. */
export function Notice({ tone = 'info', children, id, assertive }: { tone?: Tone; children: ReactNode; id?: string; assertive?: boolean }) {
  return (
    <div id={id} className={`notice notice-${tone}`} role={assertive ? 'alert' : 'status'}>
      <Icon name={ICONS[tone]} size={15} />
      <div>{children}</div>
    </div>
  );
}

/**
 * Why a form was not saved (useDomainForm's `formError`), heard at once, with the issues of fields
 * the form does not show, each with its rule.
 */
export function FormRefusal({ form }: { form: { formError: string | null; otherIssues: readonly { field: string; rule: string; message: string }[] } }) {
  if (!form.formError) return null;
  return (
    <Notice tone="bad" assertive>
      {form.formError}
      {form.otherIssues.map((i) => (
        <span key={i.field + i.rule} className="notice-detail">
          {i.message} <code className="rule">{i.rule}</code>
        </span>
      ))}
    </Notice>
  );
}
