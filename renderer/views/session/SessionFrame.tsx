import type { ReactNode } from 'react';
import { Brand } from '../shell/Brand';

/** The frame of the screens before the console opens: brand, one card, a quiet footer. */
export function SessionFrame({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="session-page">
      <main className="session-card" aria-labelledby="session-title">
        <Brand />
        <h1 id="session-title">{title}</h1>
        {subtitle && <p className="session-subtitle">{subtitle}</p>}
        {children}
      </main>
      <footer className="session-footer">{footer ?? 'Customer care console · For authorised staff only · Activity is recorded'}</footer>
    </div>
  );
}
