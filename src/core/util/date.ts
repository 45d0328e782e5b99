/**
 * Calendar dates and timestamps, validated for real: the one answer to "is this a date?" for a
 * register's `review_by` (schema format `date`, so loading, sync, `check` and the editor agree),
 * `mltm triage --review-by`, and a report's `--date` and `SOURCE_DATE_EPOCH`. A pattern alone
 * let `9999-99-99` and `2027-02-30` through (an acceptance that never expires) and JavaScript's
 * `Date` silently rolls `2026-02-30` over to March.
 */

/** The shape of a date as registers and options write it. */
export const DATE_EXAMPLE = '2027-01-31';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?)?$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDay(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** True for a real calendar date written `YYYY-MM-DD` (years 0001–9999). */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  return match !== null && validDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * Reads `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]` (UTC when no offset is given),
 * refusing anything that is not a real moment: no rolling over of days, hours or offsets.
 */
export function parseTimestamp(value: string): Date | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDay(year, month, day)) return undefined;
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== undefined && m[8] !== 'Z') {
    const offsetHour = Number(m[9]);
    const offsetMinute = Number(m[10]);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (m[8].startsWith('-') ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0–99 to 1900–1999; set the year explicitly.
  const date = new Date(utc);
  date.setUTCFullYear(year, month - 1, day);
  const shifted = new Date(date.getTime() - offsetMinutes * 60_000);
  return shifted.getUTCFullYear() >= 1 && shifted.getUTCFullYear() <= 9999 ? shifted : undefined;
}

/** Latest `SOURCE_DATE_EPOCH` a four-digit-year timestamp can show: 9999-12-31T23:59:59Z. */
export const MAX_EPOCH_SECONDS = 253_402_300_799;

/**
 * Reads a `SOURCE_DATE_EPOCH` (whole seconds since 1970, as the reproducible-builds
 * specification defines it); undefined when it is not a number of seconds mltm can show.
 */
export function parseEpochSeconds(value: string): Date | undefined {
  if (!/^\d{1,12}$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds <= MAX_EPOCH_SECONDS ? new Date(seconds * 1000) : undefined;
}
