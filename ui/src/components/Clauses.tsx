// Where the contract says each term (issue 18): every term of the newest
// version with its clause (document, page, quote), the terms without one,
// suggestions from the documents' text that a person accepts one by one
// (never applied silently), and a form to link a term by hand. The quote
// is checked by the library to occur on the page.
import { useEffect, useRef, useState } from "react";
import { api, messageOf } from "../api";
import type { SourcesReport } from "../bindings/SourcesReport";
import type { Suggestion } from "../bindings/Suggestion";

/**
 * `prefill`: a term the terms form asked to link (its key, and a count so
 * that asking twice for the same key still moves there); `onLinked` says a
 * link was made.
 */
export function Clauses(props: { id: string; prefill?: { key: string; n: number } | null; onLinked?: () => void }) {
  const [r, setR] = useState<SourcesReport | null>(null);
  const [sug, setSug] = useState<Suggestion[] | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [form, setForm] = useState({ key: "", page: "1", quote: "", document: "" });
  const load = () => api.clauseSources(props.id).then(setR, (e) => setMsg(messageOf(e)));
  useEffect(() => { load(); }, [props.id]);
  const quoteRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!props.prefill) return;
    setForm((f) => ({ ...f, key: props.prefill!.key }));
    quoteRef.current?.scrollIntoView({ block: "center" });
    quoteRef.current?.focus();
  }, [props.prefill]);
  const link = async (reqs: { key: string; page: number; quote: string; document: string | null }[]) => {
    try {
      const made = await api.clauseLink(props.id, reqs);
      setMsg(`Linked ${made.map((m) => m.key).join(", ")} (recorded in the audit log).`);
      setSug((s) => s?.filter((x) => !made.some((m) => m.key === x.key)) ?? null);
      load();
      props.onLinked?.();
    } catch (e) {
      setMsg(messageOf(e));
    }
  };
  if (!r) return msg ? <p className="error" role="alert">{msg}</p> : null;
  return (
    <div aria-label="Clauses">
      <p>
        Version {r.version}: <b>{r.terms - r.unsourced.length} of {r.terms}</b> term(s) linked to a clause.
        {r.documents.map((d) => <span key={d.sha256} className="muted"> {d.file_name}: {d.detail}.</span>)}
      </p>
      {r.linked.length > 0 && (
        <table className="plain" aria-label="Linked terms">
          <thead><tr><th>Term</th><th>Value</th><th>Where</th><th>Quote</th></tr></thead>
          <tbody>
            {r.linked.map((l) => (
              <tr key={l.key}>
                <td className="mono">{l.key}</td><td>{l.value}</td>
                <td>{l.document}, p. {l.page}{l.linked_in !== r.version && <span className="muted"> (from v{l.linked_in})</span>}</td>
                <td>“{l.quote}”</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.unsourced.length > 0 && (
        <>
          <p>Without a clause: <span className="mono">{r.unsourced.join(", ")}</span></p>
          <button data-action="suggest-links" onClick={() => api.clauseSuggest(props.id).then(setSug, (e) => setMsg(messageOf(e)))}>Suggest links from the text</button>
        </>
      )}
      {sug && (sug.length === 0 ? <p className="muted">No suggestion: the text does not say these values.</p> : (
        <table className="plain" aria-label="Suggested links">
          <thead><tr><th>Term</th><th>Where</th><th>Quote</th><th><span className="sr-only">Accept</span></th></tr></thead>
          <tbody>
            {sug.map((x) => (
              <tr key={x.key}>
                <td className="mono">{x.key} = {x.value}</td><td>{x.document}, p. {x.page}</td><td>“{x.quote}”</td>
                <td><button className="small" data-action="accept-link" aria-label={`Accept the link of ${x.key}`} onClick={() => link([{ key: x.key, page: x.page, quote: x.quote, document: x.sha256 }])}>Accept</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <div className="form">
        <label>Term <input aria-label="Term key" value={form.key} onChange={(e) => setForm({ ...form, key: e.target.value })} placeholder="slas[0].target" /></label>
        <label>Page <input aria-label="Page" size={3} value={form.page} onChange={(e) => setForm({ ...form, page: e.target.value })} /></label>
        <label>Quote <input aria-label="Quote" ref={quoteRef} size={40} value={form.quote} onChange={(e) => setForm({ ...form, quote: e.target.value })} /></label>
        {r.documents.filter((d) => d.status === "text").length > 1 && (
          <label>Document <select aria-label="Document" value={form.document} onChange={(e) => setForm({ ...form, document: e.target.value })}>
            <option value="">choose…</option>
            {r.documents.filter((d) => d.status === "text").map((d) => <option key={d.sha256} value={d.sha256}>{d.file_name}</option>)}
          </select></label>
        )}
        <button data-action="link-term" disabled={!form.key || !form.quote} onClick={() => link([{ key: form.key, page: Number(form.page), quote: form.quote, document: form.document || null }])}>Link</button>
      </div>
      {msg && <p role="status">{msg}</p>}
    </div>
  );
}
