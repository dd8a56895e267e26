// Display helpers. Amounts arrive as exact decimal strings; display pads
// them to two places and groups thousands, never re-rounding.
export function money(s: string, places = 2): string {
  const [int, frac = ""] = s.split(".");
  const sign = int.startsWith("-") ? "-" : "";
  const digits = int.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const f = frac.length >= places ? frac : frac.padEnd(places, "0");
  return places === 0 && !frac ? `${sign}${digits}` : `${sign}${digits}.${f}`;
}

/** The month before today's, as YYYY-MM. */
export function previousMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

export function directionLabel(d: string | null | undefined): string {
  return d === "customer" ? "owed by us" : d === "vendor" ? "owed to us" : "not set";
}

/** The first day of the month after `d` (YYYY-MM-01): amendments start on one. */
export function firstOfNextMonth(d: Date): string {
  const y = d.getUTCMonth() === 11 ? d.getUTCFullYear() + 1 : d.getUTCFullYear();
  const m = (d.getUTCMonth() + 1) % 12;
  return `${y}-${String(m + 1).padStart(2, "0")}-01`;
}
