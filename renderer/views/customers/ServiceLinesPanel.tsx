import type { CustomerProfile } from '../../../domain/console/contract';
import { Badge } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import { address, dateTime, phone, statusTone, titleCase } from '../../format';

/** A customer's lines; a line the central store flagged because the service address moved away from its E911 address says so (domain/e911.ts). */
export function ServiceLinesPanel({ lines, className }: { lines: CustomerProfile['serviceLines']; className?: string }) {
  return (
    <Panel id="lines" title={`Service lines (${lines.length})`} className={className}>
      {lines.length === 0 ? (
        <p className="muted">No service lines.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">E911 address</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.id}>
                <td className="mono nowrap">{phone(line.number)}</td>
                <td>{line.plan ?? '—'}</td>
                <td>
                  <Badge tone={statusTone(line.status)}>{titleCase(line.status)}</Badge>
                </td>
                <td>
                  {address(line.e911Address)}
                  {line.e911Review && (
                    <div className="e911-review">
                      <Badge tone="warn" icon="alert">
                        E911 review: flagged for network operations
                      </Badge>
                      <span className="muted small">since {dateTime(line.e911Review.since)}: the service address is not this address</span>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
