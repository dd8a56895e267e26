import { useEffect, useState } from "react";
import { open } from "@tauri-apps/plugin-dialog";
import { api, messageOf } from "../api";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { Progress } from "../bindings/Progress";

export function ImportPage() {
  const [path, setPath] = useState("");
  const [contract, setContract] = useState("");
  const [contracts, setContracts] = useState<string[]>([]);
  const [kind, setKind] = useState("");
  const [source, setSource] = useState("synthetic");
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    api.listContracts().then((c) => setContracts(c.map((x) => x.id)));
    const un = api.onImportProgress(setProgress);
    return () => {
      un.then((f) => f());
    };
  }, []);
  const choose = async () => {
    const f = await open({ multiple: false, filters: [{ name: "Spreadsheets", extensions: ["xlsx", "xls", "ods", "csv"] }] });
    if (typeof f === "string") {
      setPath(f);
      setPreview(null);
    }
  };
  // A preview always matches the file, contract and kind it was made for:
  // changing any of them clears it, so Import never acts on a stale one.
  const doPreview = async () => {
    setMessage(null);
    try {
      setPreview(await api.importPreview(path, contract, kind));
    } catch (e) {
      setMessage(messageOf(e));
    }
  };
  const doImport = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await api.importFile(path, source, contract || preview?.contract, kind);
      setMessage("Imported" in r ? `Imported ${r.Imported.import.file_name}: ${r.Imported.import.outage_rows} outage, ${r.Imported.import.maintenance_rows} maintenance, ${r.Imported.import.incident_rows} incident rows.` : `Already imported on ${r.AlreadyImported.imported_at}: nothing to do.`);
    } catch (e) {
      setMessage(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const pct = progress && Number(progress.rows_total) > 0 ? (100 * Number(progress.rows_done)) / Number(progress.rows_total) : 0;
  return (
    <section>
      <header className="page-head"><h1>Import evidence</h1></header>
      <div className="form">
        <label>Spreadsheet <input aria-label="Spreadsheet path" value={path} onChange={(e) => { setPath(e.target.value); setPreview(null); }} placeholder="/path/to/outages.xlsx" /></label>
        <button onClick={choose}>Choose…</button>
        <label>Contract
          <select aria-label="Contract" value={contract} onChange={(e) => { setContract(e.target.value); setPreview(null); }}>
            <option value="">(the only one)</option>
            {contracts.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>CSV holds
          <select aria-label="Sheet kind" value={kind} onChange={(e) => { setKind(e.target.value); setPreview(null); }}>
            <option value="">(from the workbook's sheets or the file name)</option>
            <option value="outages">outages</option>
            <option value="maintenance">maintenance</option>
            <option value="incidents">incidents</option>
          </select>
        </label>
        <label>Source <input aria-label="Source label" value={source} onChange={(e) => setSource(e.target.value)} /></label>
        <button onClick={doPreview} disabled={!path} data-action="preview">Preview</button>
      </div>
      {preview && (
        <div className="preview">
          <p>
            For <b>{preview.contract}</b>; naive times are read in <b>{preview.time_zone}</b> and shown here in UTC. {preview.outages} outage, {preview.maintenance} maintenance and {preview.incidents} incident rows.
          </p>
          {preview.errors.length > 0 ? (
            <div role="alert" className="error">
              <p>{preview.errors.length} problem(s); nothing will be written until they are fixed:</p>
              <ul>{preview.errors.map((e, i) => <li key={i} className="mono">{e}</li>)}</ul>
            </div>
          ) : (
            <>
              <table className="plain" aria-label="Preview rows">
                <thead><tr><th>Row</th><th>Kind</th><th>Service</th><th>Start (UTC)</th><th>End (UTC)</th><th>Detail</th></tr></thead>
                <tbody>{preview.rows.map((r, i) => <tr key={i}><td className="mono">{r.origin}</td><td>{r.kind}</td><td>{r.service}</td><td>{r.start}</td><td>{r.end}</td><td>{r.detail}</td></tr>)}</tbody>
              </table>
              {preview.warnings.map((w, i) => <p key={i} className="muted">{w}</p>)}
              <button onClick={doImport} disabled={busy} data-action="import">Import</button>
              {busy && <button onClick={() => api.cancelImport()}>Cancel</button>}
            </>
          )}
        </div>
      )}
      {busy && progress && (
        <div className="progress" role="progressbar" aria-valuenow={Math.round(pct)} aria-valuemin={0} aria-valuemax={100}>
          <div style={{ width: `${pct}%` }} />
          <span>{String(progress.rows_done)} of {String(progress.rows_total)} rows ({String(progress.rows_per_second)} rows/s)</span>
        </div>
      )}
      {message && <p className="notice" role="status">{message}</p>}
    </section>
  );
}
