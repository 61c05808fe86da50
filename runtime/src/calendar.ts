/** Days in a month of the proleptic Gregorian calendar (month 1..12), as Postgres counts them. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Whether year-month-day is a real date Postgres stores as written: year 1 to 9999 (Postgres has
 * no year 0, and JavaScript rolls 30 February over into March instead of refusing it).
 */
export const isCalendarDate = (year: number, month: number, day: number) =>
  year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
