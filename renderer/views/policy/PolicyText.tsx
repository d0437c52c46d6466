import type { PolicyVersion } from '../../../domain/policyVersions';
import { dateTime } from '../../format';

/** What changed in a version, in its paragraphs, with when and by whom it was published. */
/** `titled`: with its own heading (the acknowledgement lists versions); a panel headed by the version already shows none. */
export function PolicyText({ version, titled = true }: { version: PolicyVersion; titled?: boolean }) {
  return (
    <article className="policy-text" aria-label={`Version ${version.version}`}>
      {titled && <h2 className="policy-version-title">Version {version.version}</h2>}
      <p className="muted small">
        Published {dateTime(version.publishedAt)} by {version.publishedBy}
      </p>
      {version.changes.split(/\n{2,}/).map((paragraph, i) => (
        <p key={i} className="policy-paragraph">
          {paragraph}
        </p>
      ))}
    </article>
  );
}
