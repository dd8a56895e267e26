import { createContext, useContext } from "react";
import { amount, number, when, type Loc } from "../format";

/** The locale every screen writes numbers and dates in (Settings). */
export const LocaleContext = createContext<Loc>("en-US");

/** Formatters bound to the app's locale. */
export function useFormat() {
  const locale = useContext(LocaleContext);
  return {
    locale,
    number: (s: string, places = 2) => number(s, places, locale),
    amount: (currency: string, s: string, places = 2) => amount(currency, s, locale, places),
    when: (utc: string, zone: string) => when(utc, zone, locale),
  };
}

/** An instant in the contract's zone, UTC in its tooltip (issue 16). */
export function When(props: { utc: string; zone: string }) {
  const f = useFormat();
  if (!props.utc) return <>open</>;
  return (
    <time dateTime={props.utc} title={`${props.utc} (UTC)`}>
      {f.when(props.utc, props.zone)}
    </time>
  );
}

/** The computer's own zone: for what the library itself did (audit
 * entries, imports), which belongs to no contract. */
export const SYSTEM_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
