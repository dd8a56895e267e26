// The terms as a form: every value of the newest version, grouped by where it
// sits, each checked by the same validator the library uses. A problem is
// shown under the field whose key path it names; problems about something
// missing (a parent path) are shown at the top. Entries of lists (tiers,
// SLAs, services) can be added (a copy of the last, to edit) or removed.
// Saving makes an effective-dated amendment, never an edit in place.
import { useEffect, useMemo, useState } from "react";
import { api, messageOf } from "../api";
import type { TermsDraft } from "../bindings/TermsDraft";
import type { FieldProblem } from "../bindings/FieldProblem";
import type { SourcesReport } from "../bindings/SourcesReport";
import { firstOfNextMonth } from "../format";

/** `slas[0].credit.tiers[2]` -> the list `slas[0].credit.tiers` and index 2. */
function entryOf(path: string, lists: [string, number][]): { list: string; index: number } | null {
  let best: { list: string; index: number } | null = null;
  for (const [list] of lists) {
    // Only a field of the entry itself (`tiers[2].below`), not of a table
    // inside it (`slas[0].downtime.min_outage`).
    const m = path.startsWith(list + "[") ? /^\[(\d+)\]\.[^.[]+$/.exec(path.slice(list.length)) : null;
    if (m && (!best || list.length > best.list.length)) best = { list, index: Number(m[1]) };
  }
  return best;
}

/**
 * `onLink`: a term's "Link clause…" (issue 18) hands its key to the clause
 * form of the page; `sourcesKey` changes when a link was made, so that the
 * form shows it.
 */
export function TermsEditor(props: { id: string; onSaved: (version: number) => void; onLink?: (key: string) => void; sourcesKey?: number }) {
  const [draft, setDraft] = useState<TermsDraft | null>(null);
  // Where the contract says each term of the newest version (issue 18).
  const [sources, setSources] = useState<SourcesReport | null>(null);
  useEffect(() => {
    api.clauseSources(props.id).then(setSources, () => setSources(null));
  }, [props.id, props.sourcesKey]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [listChanged, setListChanged] = useState(false);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [from, setFrom] = useState(firstOfNextMonth(new Date()));
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const start = (d: TermsDraft, changed: boolean) => {
    setDraft(d);
    setValues(Object.fromEntries(d.fields.map((x) => [x.path, x.value])));
    setListChanged(changed);
  };
  const load = () => api.termsForm(props.id).then((d) => { start(d, false); setProblems([]); }, (e) => setMessage(messageOf(e)));
  useEffect(() => {
    load();
  }, [props.id]);
  const fields = draft?.fields ?? [];
  const edits = useMemo(() => fields.filter((f) => values[f.path] !== f.value).map((f) => ({ path: f.path, value: values[f.path] })), [fields, values]);
  // Check as the user types (debounced), so the message sits at the field
  // before anything is saved.
  useEffect(() => {
    if (!draft) return;
    const t = setTimeout(() => api.checkTerms(draft.toml, edits).then((c) => setProblems(c.problems), (e) => setMessage(messageOf(e))), 250);
    return () => clearTimeout(t);
  }, [edits, draft]);
  // A list change starts from the edits so far, applied, so no value typed
  // is lost and no path shifts under it.
  const changeList = async (list: string, remove: number | null) => {
    if (!draft) return;
    try {
      const applied = await api.checkTerms(draft.toml, edits);
      start(await api.termsListEdit(applied.toml, list, remove), true);
    } catch (e) {
      setMessage(messageOf(e));
    }
  };
  const at = (path: string) => problems.filter((p) => p.path === path);
  const elsewhere = problems.filter((p) => !fields.some((f) => f.path === p.path));
  const sections = [...new Set(fields.map((f) => f.section))];
  const lists = draft?.lists ?? [];
  const changes = edits.length + (listChanged ? 1 : 0);
  const save = async () => {
    if (!draft) return;
    setMessage(null);
    try {
      const v = Number(await api.amendTerms(props.id, { toml: draft.toml, edits, from, to: to || null, reason }));
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
      {sections.map((sec) => {
        const inSec = fields.filter((f) => f.section === sec);
        const entry = inSec.length ? entryOf(inSec[0].path, lists) : null;
        const size = entry ? lists.find(([l]) => l === entry.list)?.[1] ?? 0 : 0;
        return (
          <fieldset key={sec}>
            <legend>
              {sec}
              {entry && size > 1 && <button className="small" aria-label={`Remove ${sec}`} onClick={() => changeList(entry.list, entry.index)}>Remove</button>}
              {entry && entry.index === size - 1 && <button className="small" aria-label={`Add another after ${sec}`} onClick={() => changeList(entry.list, null)}>Add another</button>}
            </legend>
            {inSec.map((f) => {
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
                  <Source path={f.path} sources={sources} onLink={props.onLink} />
                </div>
              );
            })}
          </fieldset>
        );
      })}
      <fieldset className="amend">
        <legend>Save as an amendment</legend>
        <p className="muted">{changes} change(s). The earlier terms keep applying to months before the amendment, and resume after its end.</p>
        <label>Applies from (first day of a month) <input type="date" aria-label="Applies from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>Applies to (last day of a month; empty: open) <input type="date" aria-label="Applies to" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <label>Why <input aria-label="Reason for the amendment" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Amendment No. 2, signed 2026-11-20" /></label>
        <button data-action="save-amendment" disabled={changes === 0 || problems.length > 0 || !reason.trim()} onClick={save}>Save amendment</button>
      </fieldset>
      {message && <p className="notice" role="status">{message}</p>}
    </div>
  );
}

/** A term's clause beside its field: where the contract says it, or a
 * button to link it (only for term keys, and when a document has text). */
function Source(props: { path: string; sources: SourcesReport | null; onLink?: (key: string) => void }) {
  const r = props.sources;
  if (!r) return null;
  const l = r.linked.find((x) => x.key === props.path);
  if (l) {
    return <span className="clause-source" data-clause={props.path} title={`“${l.quote}”`}>§ {l.document}, p. {l.page}</span>;
  }
  const canLink = r.unsourced.includes(props.path) && r.documents.some((d) => d.status === "text");
  return canLink && props.onLink ? (
    <button className="small link-clause" data-action="link-clause" data-key={props.path} aria-label={`Link ${props.path} to its clause`} onClick={() => props.onLink?.(props.path)}>Link clause…</button>
  ) : null;
}
