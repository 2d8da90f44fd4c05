/**
 * The form in which a display name is relayed and compared: Unicode NFC, so names that look
 * the same (a precomposed "é" and "e" + combining acute) are the same text for every peer.
 * Servers apply it to every accepted name; clients may apply it before sending.
 */
export function normalizeName(name: string): string {
  return name.normalize('NFC')
}
