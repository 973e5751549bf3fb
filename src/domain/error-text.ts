/** The text of anything thrown: an Error's message, else the value as a string. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
