// The words the app uses, explained where the question arises (issue 16):
// reachable from every screen (the Glossary button, or F1), and linked from
// the statement figures on Month end.
export const GLOSSARY: [id: string, term: string, meaning: string][] = [
  ["uptime", "Uptime", "The share of the month the service was available: 100 x (seconds in the month - downtime) / seconds in the month, after exclusions and kept maintenance. Computed exactly, never rounded before it is compared with the target."],
  ["target", "Target", "The uptime the contract promises (e.g. 99.95 %). Below it (or at it, for \"at or below\" contracts) the term is breached and a credit is due."],
  ["exclusion", "Exclusion", "Downtime the contract does not count: causes it names (e.g. `customer`), outages shorter than its minimum, and kept maintenance. Every row shows whether it was counted or why not."],
  ["maintenance", "Maintenance notice", "Planned work announced in advance. It is excluded only when the notice came early enough and the month's maintenance stays within the contract's cap; otherwise it counts as downtime."],
  ["tiers", "Tiers", "The credit schedule: the lower the uptime, the larger the credit (e.g. 10 % of the fee below 99.95 %, 25 % below 99.0 %). The tier that applies is shown with the line."],
  ["cap", "Cap", "The most a credit can be: per SLA term (a percent of its service fee) and for the whole contract (a percent of the month's fees). When a cap cuts a credit, the statement says so."],
  ["claim-deadline", "Claim deadline", "The last day a credit can be claimed, counted as the contract says (days after the month, the end of a later month, or business days). A credit not claimed by then is forfeited."],
  ["breached", "Breached", "The month missed the term's target (availability), or an incident was answered or resolved later than the contract allows."],
  ["draft", "Draft and final", "A draft is computed from the evidence and terms in the library and can be recomputed. Finalizing seals it: a final statement never changes."],
  ["restatement", "Restatement", "The correction of a final statement: a new final statement, with its reason, supersedes the old one. Both stay in the library and the audit log."],
  ["chronic", "Chronic breach", "Breaches in several of the last months (e.g. 3 of 6) that give the customer further rights, such as termination."],
  ["seal", "Seal", "The SHA-256 of a final statement's exact content. `audit verify` and `verify` recompute it: any change to the stored record or an exported file shows."],
];

export function GlossaryPage() {
  return (
    <section aria-labelledby="glossary-title">
      <h1 id="glossary-title">Glossary</h1>
      <p className="muted">The words SLA Ledger uses on its screens and statements.</p>
      <dl className="glossary">
        {GLOSSARY.map(([id, term, meaning]) => (
          <div key={id} id={`glossary-${id}`}>
            <dt>{term}</dt>
            <dd>{meaning}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** A small "?" that opens the glossary at one entry. */
export function GlossaryLink(props: { id: string; onOpen: (id: string) => void }) {
  const entry = GLOSSARY.find((g) => g[0] === props.id);
  return (
    <button type="button" className="help" aria-label={`What is ${entry?.[1] ?? props.id}?`} title={entry?.[2]} onClick={(e) => (e.stopPropagation(), props.onOpen(props.id))}>
      ?
    </button>
  );
}
