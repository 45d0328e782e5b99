/**
 * The CLI's exit codes, shared by every command. A module of its own so that the entry
 * (`main.ts`) can use them without loading the file-reading code of `io.ts` (and the YAML
 * reader it pulls in): `mltm --version` loads nothing it does not use.
 */
export const EXIT = {
  ok: 0,
  /** The command ran and found what it gates on (errors, threats above a severity). */
  findings: 1,
  /** Bad usage or unreadable / invalid input. */
  usage: 2,
} as const;
