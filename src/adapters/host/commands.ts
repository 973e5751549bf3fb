/** What Strata reads about a host itself: its clock and time zone, and its name (the PVE node). */
import type { Command } from '../../transport/command.js';

/** One line each: anything longer is not a clock or a name. */
const ONE_LINE_BYTES = 64 * 1024;

export const CLOCK_COMMAND: Command = { argv: ['date', '+%s %z'], maxOutputBytes: ONE_LINE_BYTES };
export const HOSTNAME_COMMAND: Command = { argv: ['hostname'], maxOutputBytes: ONE_LINE_BYTES };
