/** NHS error-message wording for the alert forms; the server checks the same rules again. */
export function validateResolveNote(note: string): string | null {
  return note.trim().length === 0 ? 'Enter a note saying how the alert was resolved' : null;
}

export function validateEscalationReason(reason: string): string | null {
  return reason.trim().length === 0 ? 'Enter why you are escalating this alert' : null;
}
