import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ConsoleDataProvider } from './hooks/ConsoleDataProvider';
import './styles/tokens.css';
import './styles/base.css';
import './styles/controls.css';
import './styles/shell.css';
import './styles/status.css';
import './styles/session.css';
import './styles/customers.css';
import './styles/profile.css';
import './styles/edit.css';
import './styles/conflicts.css';
import './styles/approvals.css';
import './styles/holds.css';
import './styles/audit.css';
import './styles/leads.css';
import './styles/inquiries.css';
import './styles/billing.css';
import './styles/e911.css';
import './styles/secondFactor.css';
import './styles/policy.css';
import './styles/compliance.css';
import './styles/admin.css';
import './styles/serviceLines.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConsoleDataProvider>
      <App />
    </ConsoleDataProvider>
  </StrictMode>,
);
