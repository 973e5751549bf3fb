/** What Strata reads about a host itself: its clock and time zone, and its name (the PVE node). */
import type { Command } from '../../transport/command.js';

export const CLOCK_COMMAND: Command = { argv: ['date', '+%s %z'] };
export const HOSTNAME_COMMAND: Command = { argv: ['hostname'] };
