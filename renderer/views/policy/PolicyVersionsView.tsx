import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { PolicyVersion, PolicyVersionAcknowledgements, StaffRef } from '../../../domain/policyVersions';
import { ROLE_LABELS } from '../../../domain/roles';
import { invoke, messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { PolicyText } from './PolicyText';
import { PublishPolicyForm } from './PublishPolicyForm';
import { policyVersionsKey } from './usePolicyStatus';

/**
 * The admin's privacy-policy versions (issue 14, DESIGN §1 "Notification of changes"): publish a new
 * version with what changed, and for each version who acknowledged it (when, from which
 * workstation) and who has not yet. Read online from the central store (staff names only, an
 * audited read); the newest version is the one in force.
 */
export function PolicyVersionsView() {
  const list = useQuery({ queryKey: policyVersionsKey, queryFn: () => invoke('policyVersion.list', {}), staleTime: 0 });
  const versions = list.data?.versions ?? [];
  const [publishing, setPublishing] = useState(false);
  const [published, setPublished] = useState<PolicyVersion | null>(null);
  const publishButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const current = versions[0];
  return (
    // the view scrolls: it can take the focus, so that the keyboard scrolls it too
    <div className="queue-page policy-versions" role="region" aria-label="Privacy policy versions" tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>Privacy policy</h1>
          <p className="muted">
            {current ? `Version ${current.version} is in force since ${dateTime(current.publishedAt)}.` : 'No version is published yet.'} Staff acknowledge each new version at their next sign-in; consents and leads record the version in force when they are given.
          </p>
        </div>
        <div className="edit-actions">
          {!publishing && (
            <Button ref={publishButton} variant="primary" icon="plus" onClick={() => (setPublished(null), setPublishing(true))}>
              Publish a new version
            </Button>
          )}
          <Button icon="sync" busy={list.isFetching} onClick={() => void list.refetch()}>
            Refresh
          </Button>
        </div>
      </header>
      {publishing && (
        <section className="queue-panel" aria-labelledby="publish-title">
          <h2 id="publish-title">Publish version {(current?.version ?? 0) + 1}</h2>
          <PublishPolicyForm
            nextVersion={(current?.version ?? 0) + 1}
            onDone={(done) => {
              setPublishing(false);
              setPublished(done);
              focusAfterRender(() => publishButton.current);
            }}
          />
        </section>
      )}
      {published && <Notice tone="good">Version {published.version} is published and in force. Every staff user is asked to acknowledge it at their next sign-in.</Notice>}
      {list.error && <Notice tone="bad">The versions could not be read: {messageOf(list.error)}</Notice>}
      {list.isPending && <p className="muted" aria-busy="true">Reading the versions from the central store…</p>}
      {list.data && versions.length === 0 && (
        <div className="empty-state small">
          <Icon name="shield" size={24} />
          <p>No privacy-policy version is published: nobody is asked to acknowledge anything.</p>
        </div>
      )}
      {versions.map((version, i) => (
        <VersionPanel key={version.version} version={version} inForce={i === 0} />
      ))}
    </div>
  );
}

function VersionPanel({ version, inForce }: { version: PolicyVersionAcknowledgements; inForce: boolean }) {
  const titleId = `policy-v${version.version}`;
  const staff = version.acknowledged.length + version.acknowledgedLater.length + version.notYet.length;
  return (
    <section className="queue-panel policy-version" aria-labelledby={titleId}>
      <div className="change-line">
        <h2 id={titleId}>Version {version.version}</h2>
        {inForce ? <Badge tone="good">In force</Badge> : <Badge tone="neutral">Superseded</Badge>}
        <span className="muted small">
          {version.acknowledged.length + version.acknowledgedLater.length} of {staff} acknowledged
        </span>
      </div>
      <div className="policy-version-body">
        <div className="policy-version-text">
          <PolicyText version={version} titled={false} />
        </div>
        <div className="policy-acks">
          <h3>Not yet ({version.notYet.length})</h3>
          {version.notYet.length ? (
            <ul className="policy-staff" aria-label={`Not yet acknowledged version ${version.version}`}>
              {version.notYet.map((u) => (
                <li key={u.userId}>
                  <Staff who={u} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">Every active staff user has acknowledged it.</p>
          )}
          <h3>Acknowledged ({version.acknowledged.length})</h3>
          {version.acknowledged.length ? (
            <table className="policy-table">
              <caption className="sr-only">Who acknowledged version {version.version}</caption>
              <thead>
                <tr>
                  <th scope="col">Who</th>
                  <th scope="col">When</th>
                  <th scope="col">Workstation</th>
                </tr>
              </thead>
              <tbody>
                {version.acknowledged.map((a) => (
                  <tr key={a.userId}>
                    <td>
                      <Staff who={a} />
                    </td>
                    <td>{dateTime(a.acknowledgedAt)}</td>
                    <td>{a.deviceName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted small">Nobody yet.</p>
          )}
          {version.acknowledgedLater.length > 0 && (
            <>
              <h3>Acknowledged a later version ({version.acknowledgedLater.length})</h3>
              <ul className="policy-staff">
                {version.acknowledgedLater.map((u) => (
                  <li key={u.userId}>
                    <Staff who={u} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function Staff({ who }: { who: StaffRef }) {
  return (
    <>
      <span className="strong">{who.displayName}</span> <span className="muted small">{ROLE_LABELS[who.role]} · {who.username}</span>
    </>
  );
}
