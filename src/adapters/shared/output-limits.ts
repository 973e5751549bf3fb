/**
 * Units for the output limit of each probe (`maxOutputBytes`). Each probe's
 * builder states its limit beside the size its real output reaches: well
 * above that, so a big estate is read, and far below what would exhaust the
 * memory of the process (a listing is held and parsed whole).
 */
export const KiB = 1024;
export const MiB = 1024 * KiB;

/** For a command whose answer is a line or a few (a status, a count, a clock). */
export const SMALL_OUTPUT_BYTES = 1 * MiB;
