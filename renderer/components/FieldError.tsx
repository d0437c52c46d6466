import type { FieldIssue } from '../../domain/errors';
import { Icon } from './Icon';

/** A field's error as the domain rule states it, with the rule's name for the rep and for support. */
export function FieldError({ id, issue }: { id: string; issue: FieldIssue | undefined }) {
  if (!issue) return null;
  return (
    <p id={id} className="field-error">
      <Icon name="alert" size={13} />
      <span>{capitalise(issue.message)}</span>
      <code className="rule" title="validation rule">
        {issue.rule}
      </code>
    </p>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
