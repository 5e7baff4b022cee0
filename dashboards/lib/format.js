// How figures read on every page: British English, places to one decimal,
// money in pounds from whole pence, a missing figure as an en dash. Halves
// round to even, as Headroom rounds everywhere.

const even = { roundingMode: "halfEven" };
const whole = new Intl.NumberFormat("en-GB", { ...even, maximumFractionDigits: 0 });
const tenth = new Intl.NumberFormat("en-GB", { ...even, minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pounds = new Intl.NumberFormat("en-GB", { ...even, style: "currency", currency: "GBP", maximumFractionDigits: 0 });

export const MISSING = "–";

const known = (x) => x !== null && x !== undefined && !Number.isNaN(x);

export function count(x) {
  return known(x) ? whole.format(x) : MISSING;
}

export function places(x) {
  return known(x) ? tenth.format(x) : MISSING;
}

export function percent(fraction) {
  return known(fraction) ? `${whole.format(fraction * 100)}%` : MISSING;
}

// Pence arrive as strings (they can exceed 32 bits).
export function money(pence) {
  return known(pence) && pence !== "" ? pounds.format(Number(pence) / 100) : MISSING;
}

export function days(x) {
  return known(x) ? `${whole.format(x)} d` : MISSING;
}

export function time(date) {
  return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

// `YYYY-MM-DD` of a local date.
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addDays(day, n) {
  const d = new Date(`${day}T12:00:00`);
  d.setDate(d.getDate() + n);
  return isoDay(d);
}

// A half-open window `[from, to)` as people say it: its first and last day.
export function windowText(from, to) {
  return `${from} to ${addDays(to, -1)}`;
}

// The label of a coded value: DEMENTIA → "Dementia".
export function codeLabel(code) {
  const text = String(code).toLowerCase().replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
