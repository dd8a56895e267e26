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

/** The locales screens and statements are written in (issue 16). */
export const LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR"] as const;
export type Loc = (typeof LOCALES)[number];

/** The library's chosen locale, else the system's, else en-US. */
export function pickLocale(chosen?: string | null, system: string = typeof navigator === "undefined" ? "en-US" : navigator.language): Loc {
  for (const tag of [chosen, system]) {
    if (!tag) continue;
    const exact = LOCALES.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const lang = tag.slice(0, 2).toLowerCase();
    if (lang === "en") return tag.toUpperCase().endsWith("GB") ? "en-GB" : "en-US";
    if (lang === "de") return "de-DE";
    if (lang === "fr") return "fr-FR";
  }
  return "en-US";
}

/** The group and decimal separators of a locale, as Intl writes them. */
function separators(locale: Loc): [string, string] {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  return [parts.find((p) => p.type === "group")?.value ?? ",", parts.find((p) => p.type === "decimal")?.value ?? "."];
}

/**
 * An exact decimal text in a locale: regrouped, padded to `places`, never
 * rounded through a float (`money` in en-US is the same as before).
 */
export function number(s: string, places = 2, locale: Loc = "en-US"): string {
  const [group, decimal] = separators(locale);
  return money(s, places).replace(/[,.]/g, (c) => (c === "," ? "\u0000" : decimal)).replace(/\u0000/g, group);
}

/** An amount with its currency where the locale puts it ("USD 1,875.00", "1.875,00 USD"). */
export function amount(currency: string, s: string, locale: Loc = "en-US", places = 2): string {
  const n = number(s, places, locale);
  return locale.startsWith("en") ? `${currency} ${n}` : `${n}\u00a0${currency}`;
}

/** An instant (RFC 3339 UTC) in a zone, with the zone's short name, in a locale. */
export function when(utc: string, zone: string, locale: Loc = "en-US"): string {
  const t = Date.parse(utc);
  if (!utc || Number.isNaN(t)) return utc;
  return new Intl.DateTimeFormat(locale, { timeZone: zone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(t);
}
