/** The product mark: drawn inline, no image request. */
export function Brand({ compact }: { compact?: boolean }) {
  return (
    <div className={compact ? 'brand brand-compact' : 'brand'}>
      <svg className="brand-mark" width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <rect x="1" y="1" width="22" height="22" rx="6" fill="currentColor" />
        <path d="M15.5 8.2A5 5 0 1 0 15.5 15.8" fill="none" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
        <circle cx="16.6" cy="12" r="1.5" fill="#fff" />
      </svg>
      <span className="brand-name">CareDesk</span>
    </div>
  );
}
