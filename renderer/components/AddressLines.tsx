import type { PostalAddress } from '../../domain/validation/address';

/** A postal address the way it is written on an envelope: street lines, then city, state and ZIP. */
export function AddressLines({ value }: { value: unknown }) {
  if (!value || typeof value !== 'object') return <span>—</span>;
  const a = value as Partial<PostalAddress>;
  return (
    <span className="address">
      <span>{a.line1}</span>
      {a.line2 && <span>{a.line2}</span>}
      <span>
        {a.city}, {a.state} {a.zip}
      </span>
    </span>
  );
}
