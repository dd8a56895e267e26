// The terms as a form: every value of the newest version, grouped by where it
// sits, each checked by the same validator the library uses. A problem is
// shown under the field whose key path it names; problems about something
// missing (a parent path) are shown at the top. Saving makes an
// effective-dated amendment, never an edit in place.
import { useEffect, useMemo, useState } from "react";
import { api, messageOf } from "../api";
import type { TermsField } from "../bindings/TermsField";
import type { FieldProblem } from "../bindings/FieldProblem";
import { firstOfNextMonth } from "../format";

export function TermsEditor(props: { id: string; onSaved: (version: number) => void }) {
  const [fields, setFields] = useState<TermsField[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [from, setFrom] = useState(firstOfNextMonth(new Date()));
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const load = () =>
    api.termsForm(props.id).then((f) => {
      setFields(f);
      setValues(Object.fromEntries(f.map((x) => [x.path, x.value])));
      setProblems([]);
    }, (e) => setMessage(messageOf(e)));
  useEffect(() => {
    load();
  }, [props.id]);
  const edits = useMemo(() => fields.filter((f) => values[f.path] !== f.value).map((f) => ({ path: f.path, value: values[f.path] })), [fields, values]);
  // Check as the user types (debounced), so the message sits at the field
  // before anything is saved.
  useEffect(() => {
    if (fields.length === 0) return;
    const t = setTimeout(() => api.checkTerms(props.id, edits).then((c) => setProblems(c.problems), (e) => setMessage(messageOf(e))), 250);
    return () => clearTimeout(t);
  }, [edits]);
  const at = (path: string) => problems.filter((p) => p.path === path);
  const elsewhere = problems.filter((p) => !fields.some((f) => f.path === p.path));
  const sections = [...new Set(fields.map((f) => f.section))];
  const save = async () => {
    setMessage(null);
    try {
      const v = Number(await api.amendTerms(props.id, edits, from, to || null, reason));
      setMessage(`Saved as version ${v}, applying from ${from}${to ? ` to ${to}` : ""}.`);
      setReason("");
      // The form now starts from the newest version: the one just saved.
      await load();
      props.onSaved(v);
    } catch (e) {
      setMessage(messageOf(e));
    }
  };
  return (
    <div className="terms-editor">
      {elsewhere.length > 0 && (
        <ul className="error" role="alert" aria-label="Problems in the terms">
          {elsewhere.map((p, i) => <li key={i}><span className="mono">{p.path || "terms"}</span>: {p.message}</li>)}
        </ul>
      )}
      {sections.map((sec) => (
        <fieldset key={sec}>
          <legend>{sec}</legend>
          {fields.filter((f) => f.section === sec).map((f) => {
            const bad = at(f.path);
            const id = `field-${f.path}`;
            return (
              <div className={`field${bad.length ? " invalid" : ""}${values[f.path] !== f.value ? " changed" : ""}`} key={f.path}>
                <label htmlFor={id}>{f.label}{f.kind === "list" && <span className="muted"> (comma-separated)</span>}</label>
                {f.kind === "flag" ? (
                  <select id={id} aria-label={f.path} value={values[f.path]} onChange={(e) => setValues({ ...values, [f.path]: e.target.value })}>
                    <option value="true">yes</option>
                    <option value="false">no</option>
                  </select>
                ) : (
                  <input id={id} aria-label={f.path} aria-invalid={bad.length > 0} aria-describedby={bad.length ? `${id}-problem` : undefined} inputMode={f.kind === "whole" ? "numeric" : undefined} value={values[f.path] ?? ""} onChange={(e) => setValues({ ...values, [f.path]: e.target.value })} />
                )}
                {bad.map((p, i) => <span key={i} id={`${id}-problem`} className="field-problem" role="alert">{p.message}</span>)}
              </div>
            );
          })}
        </fieldset>
      ))}
      <fieldset className="amend">
        <legend>Save as an amendment</legend>
        <p className="muted">{edits.length} change(s). The earlier terms keep applying to months before the amendment, and resume after its end.</p>
        <label>Applies from (first day of a month) <input type="date" aria-label="Applies from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>Applies to (last day of a month; empty: open) <input type="date" aria-label="Applies to" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <label>Why <input aria-label="Reason for the amendment" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Amendment No. 2, signed 2026-11-20" /></label>
        <button data-action="save-amendment" disabled={edits.length === 0 || problems.length > 0 || !reason.trim()} onClick={save}>Save amendment</button>
      </fieldset>
      {message && <p className="notice" role="status">{message}</p>}
    </div>
  );
}
