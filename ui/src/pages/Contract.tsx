import { useEffect, useState } from "react";
import { api, messageOf } from "../api";
import type { ContractDetail } from "../bindings/ContractDetail";
import { TermsEditor } from "../components/TermsEditor";
import { useConfirm } from "../components/Confirm";
import { When, SYSTEM_ZONE } from "../components/LocaleContext";
import type { ImportInfo } from "../bindings/ImportInfo";
import { Clauses } from "../components/Clauses";

export function ContractPage(props: { id: string; onBack: () => void }) {
  const [d, setD] = useState<ContractDetail | null>(null);
  const [diff, setDiff] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [reload, setReload] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  // A term the terms form asked to link, and links made (issue 18).
  const [linkKey, setLinkKey] = useState<{ key: string; n: number } | null>(null);
  const [linked, setLinked] = useState(0);
  const [dialog, ask] = useConfirm();
  const withdraw = async (i: ImportInfo) => {
    const reason = await ask({
      title: `Withdraw ${i.file_name}?`,
      body: `Its rows stop counting for month end. Drafts computed with it are discarded; the rows themselves stay in the library, marked withdrawn, and the audit trail records who did it and why. An import a final statement used cannot be withdrawn.`,
      confirm: "Withdraw import",
      reason: "Why is it withdrawn?",
    });
    if (reason === null) return;
    try {
      const w = await api.withdrawImport(Number(i.id), reason);
      setDone(`Withdrew ${w.file_name}.${w.discarded_drafts.length ? ` Discarded draft(s): ${w.discarded_drafts.join(", ")}.` : ""}`);
      setError(null);
      setReload(reload + 1);
    } catch (e) {
      setDone(`Not done: ${messageOf(e)}`);
    }
  };
  useEffect(() => {
    api.contractDetail(props.id).then(setD, (e) => setError(messageOf(e)));
  }, [props.id, reload]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!d) return <p className="muted">Loading…</p>;
  const s = d.summary;
  return (
    <section>
      <header className="page-head">
        <h1>{props.id}</h1>
        <button onClick={props.onBack}>Back to library</button>
      </header>
      <p className="muted">
        {s?.title ?? ""} · {s?.counterparty ?? "no counterparty"} · {s?.currency} · governed by {s?.governing_law ?? "—"}
      </p>
      <h2>Terms, as a schedule</h2>
      <ol className="schedule">
        {d.schedule.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ol>
      <button data-action="edit-terms" aria-expanded={editing} onClick={() => setEditing(!editing)}>{editing ? "Close the terms form" : "Edit terms (amendment)…"}</button>
      {editing && <TermsEditor id={props.id} onSaved={() => setReload(reload + 1)} onLink={(key) => setLinkKey({ key, n: (linkKey?.n ?? 0) + 1 })} sourcesKey={linked} />}
      <h2>Where the contract says so</h2>
      <Clauses id={props.id} key={reload} prefill={linkKey} onLinked={() => setLinked(linked + 1)} />
      <h2>Versions</h2>
      <table className="plain">
        <thead>
          <tr><th>Version</th><th>Applies from</th><th>Applies to</th><th>By</th><th>Why</th><th><span className="sr-only">Compare</span></th></tr>
        </thead>
        <tbody>
          {d.versions.map((v) => (
            <tr key={v.id}>
              <td>{v.version}</td><td>{v.applies_from}</td><td>{v.applies_to ?? "open"}</td><td>{v.author}</td><td>{v.reason}</td>
              <td>{v.version > 1 && <button onClick={() => api.diffVersions(props.id, Number(v.version) - 1, Number(v.version)).then(setDiff)}>Diff with {Number(v.version) - 1}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff && <pre className="diff" aria-label="Differences between versions">{diff}</pre>}
      <h2>Evidence imported</h2>
      {dialog}
      {done && <p className={done.startsWith("Not done") ? "error" : "notice"} role={done.startsWith("Not done") ? "alert" : "status"}>{done}</p>}
      <table className="plain">
        <thead><tr><th>File</th><th>Source</th><th>Rows</th><th>Imported</th><th>SHA-256</th><th><span className="sr-only">Withdraw</span></th></tr></thead>
        <tbody>
          {d.imports.map((i) => (
            <tr key={i.id} className={i.withdrawn_at ? "excluded-row" : ""}>
              <td>{i.file_name}</td><td>{i.source_label}</td>
              <td>{Number(i.outage_rows) + Number(i.maintenance_rows) + Number(i.incident_rows) + Number(i.request_rows)}</td>
              <td><When utc={i.imported_at} zone={SYSTEM_ZONE} /> by {i.importer}</td><td className="mono">{i.sha256.slice(0, 16)}…</td>
              <td>{i.withdrawn_at ? <span>withdrawn <When utc={i.withdrawn_at} zone={SYSTEM_ZONE} /></span> : <button className="small" data-action="withdraw" aria-label={`Withdraw ${i.file_name}`} onClick={() => withdraw(i)}>Withdraw</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Documents</h2>
      {d.documents.length === 0 ? <p className="muted">No documents attached.</p> : d.documents.map((doc) => <p key={doc.id}>{doc.file_name} <span className="mono">{doc.sha256.slice(0, 16)}…</span></p>)}
    </section>
  );
}
