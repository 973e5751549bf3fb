/** The journal: evidence of what Strata did on hosts. */
export * from './entry.js';
export { Journal, type JournalContents, type JournalSink } from './journal-file.js';
export { PROBE_LOG_FILE, PROBE_LOG_PREVIOUS_FILE, PROBE_LOG_ROTATE_BYTES, ProbeLog, type ProbeLogOptions } from './probe-log.js';
export { journalingRunner, STDERR_TAIL_CHARS, type JournalingOptions } from './journaling-runner.js';
export { parseJournalLine, type JournalProblem } from './read.js';
export { REDACTED, scrubSecrets, secretValuesOf } from './redact.js';
export { lastVerified, newestVerifications, type VerificationRecord } from './verifications.js';
export { strataRuns, withStrataRuns, type StrataRun } from './strata-runs.js';
