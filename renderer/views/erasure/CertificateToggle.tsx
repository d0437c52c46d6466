import { useState } from 'react';
import { Button } from '../../components/Button';
import { CertificateView } from './CertificateView';

/** A decided erasure request in the approvals queue: its certificate one click away once the store has erased. */
export function CertificateToggle({ item }: { item: { record: { id: string } & Record<string, unknown> } }) {
  const [shown, setShown] = useState(false);
  if (item.record.status !== 'completed') return null;
  return shown ? (
    <CertificateView requestId={item.record.id} />
  ) : (
    <Button variant="ghost" icon="shieldCheck" onClick={() => setShown(true)}>
      Show certificate
    </Button>
  );
}
