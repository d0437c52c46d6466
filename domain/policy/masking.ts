/** Masks for fields a role may see only in part (policy level `masked`). */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${part[0]!.toUpperCase()}.`)
    .join(' ');
}

export function maskZip(zip: string): string {
  return `${zip.slice(0, 3)}**`;
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return at > 0 ? `${email[0]}•••${email.slice(at)}` : '•••';
}

export function maskCardNumber(last4: string): string {
  return `•••• ${last4}`;
}

/** Which mask a field uses. A field marked `masked` without a mask here is not sent at all: fail closed. */
export const FIELD_MASKS: Record<string, (value: string) => string> = {
  holderName: maskName,
  billingZip: maskZip,
  returnAddress: maskEmail,
};
