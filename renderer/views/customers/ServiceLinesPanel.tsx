import type { CustomerProfile } from '../../../domain/console/contract';
import { Badge } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import { address, phone, statusTone, titleCase } from '../../format';

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
                <td>{address(line.e911Address)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
