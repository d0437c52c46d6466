import { useState, type FormEvent } from 'react';
import { messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { TextField } from '../../components/TextField';
import type { SessionApi } from '../../hooks/useSession';
import { SessionFrame } from './SessionFrame';

/** First start of a workstation: IT's enrolment code gets it a device certificate (mutual TLS). */
export function EnrolView({ api }: { api: SessionApi }) {
  const [code, setCode] = useState('');
  const [deviceName, setDeviceName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.enrol(code.trim(), deviceName.trim());
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <SessionFrame title="Enrol this workstation" subtitle="Enter the enrolment code from IT. The workstation then gets its own certificate for the central store.">
      <form className="session-form" onSubmit={submit} noValidate>
        <TextField label="Enrolment code" value={code} onValue={setCode} autoFocus />
        <TextField label="Workstation name" value={deviceName} onValue={setDeviceName} hint="As IT will see it in the device list, e.g. “Desk 14, Leeds floor 2”." />
        {error && (
          <Notice tone="bad" assertive>
            {error}
          </Notice>
        )}
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Enrol workstation
        </Button>
      </form>
    </SessionFrame>
  );
}
