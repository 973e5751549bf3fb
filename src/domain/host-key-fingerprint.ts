/**
 * Comparing an SSH host key fingerprint the operator typed with the one the
 * host offered. People copy it with or without its `SHA256:` label and with
 * stray blanks around it; base64 is case-sensitive, so the comparison is.
 */

/** The fingerprint without its `SHA256:` label and surrounding blanks. */
export function bareFingerprint(text: string): string {
  return text.trim().replace(/^SHA256:/i, '');
}

/** True when `typed` is the fingerprint offered, `SHA256:` written or not. */
export function fingerprintMatches(typed: string, offered: string): boolean {
  const want = bareFingerprint(offered);
  return want.length > 0 && bareFingerprint(typed) === want;
}
