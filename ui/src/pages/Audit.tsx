import { useEffect, useMemo, useState } from "react";
import { When, SYSTEM_ZONE } from "../components/LocaleContext";
import type { ColumnDef } from "@tanstack/react-table";
import { open } from "@tauri-apps/plugin-dialog";
import { api, messageOf } from "../api";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { AuditReport } from "../bindings/AuditReport";
import type { VerifyReport } from "../bindings/VerifyReport";
import { DataTable } from "../components/Table";

/** The three verdicts of a signed file, worded for people: colour is
 * never the only signal. */
export const STATE_TEXT: Record<string, string> = {
  trusted: "Trusted",
  untrusted: "Intact but untrusted",
  broken: "Broken",
};

function paths(picked: string | string[] | null): string[] {
  if (!picked) return [];
  return Array.isArray(picked) ? picked : [picked];
}

/** Verify statement files: each is trusted (intact, signed by a certificate
 * this library trusts), intact but untrusted (anyone could have signed it),
 * or broken (changed, malformed, or not what the library holds). */
export function VerifyFiles() {
  // The text as typed: lines are split only when used, so typing a line
  // break is not undone by the next render.
  const [filesText, setFilesText] = useState("");
  const [trustText, setTrustText] = useState("");
  const lines = (t: string) => t.split("\n").map((l) => l.trim()).filter((l) => l);
  const files = lines(filesText);
  const trust = lines(trustText);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = async () => {
    const f = await open({ multiple: true, filters: [{ name: "Statements", extensions: ["pdf", "xlsx", "json"] }] });
    setFilesText(paths(f).join("\n"));
    setReport(null);
  };
  const chooseTrust = async () => {
    const f = await open({ multiple: true, filters: [{ name: "Certificates (PEM)", extensions: ["pem", "crt", "cer"] }] });
    setTrustText(paths(f).join("\n"));
  };
  const run = () => {
    setBusy(true);
    setError(null);
    api
      .verifyFiles(files, trust)
      .then(setReport, (e) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };
  return (
    <section aria-labelledby="verify-files-title" className="verify-files">
      <h2 id="verify-files-title">Verify files</h2>
      <p className="hint">Statements (PDF), workbooks and signed manifests you exported or received. Give the sender's organisation certificate to trust theirs.</p>
      <div className="row">
        <button onClick={choose} data-action="verify-choose">Choose files…</button>
        <button onClick={chooseTrust} data-action="verify-trust">Trust a certificate…</button>
        <label>
          Files (one path per line)
          <textarea aria-label="Files to verify" data-field="verify-files" rows={3} value={filesText} onChange={(e) => setFilesText(e.target.value)} />
        </label>
        <label>
          Trusted certificates (PEM paths)
          <textarea aria-label="Certificates to trust" data-field="verify-trust" rows={2} value={trustText} onChange={(e) => setTrustText(e.target.value)} />
        </label>
        <button onClick={run} disabled={busy || files.length === 0} data-action="verify-files">{busy ? "Verifying…" : "Verify"}</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {report && (
        <table className="verdicts" aria-label="Verification results">
          <thead>
            <tr><th>File</th><th>Verdict</th><th>Signer</th><th>Why</th></tr>
          </thead>
          <tbody>
            {report.files.map((f) => (
              <tr key={f.file} className={`verdict-${f.state}`} data-state={f.state}>
                <td>{f.file.split(/[\\/]/).pop()}</td>
                <td><strong>{STATE_TEXT[f.state] ?? f.state}</strong></td>
                <td>{f.signer ?? "-"}</td>
                <td>{f.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report && (
        <details>
          <summary>Every check ({report.findings.length})</summary>
          <ul className="findings">
            {report.findings.map((f, i) => (
              <li key={i} className={f.holds ? "" : "failed"}>
                {f.holds ? (f.kind === "note" ? "Note" : "OK") : f.kind === "trust" ? "Untrusted" : "Fails"} · {f.file.split(/[\\/]/).pop()} · {f.check}: {f.detail}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function chainText(v: AuditReport): string {
  if (v.state === "broken") return `Audit chain broken: ${v.problems.join("; ")}`;
  const base = `Audit chain intact: ${v.entries} entries; ${v.statements_checked} sealed statement(s) re-derived and ${v.claims_checked} claim(s) replayed.`;
  if (v.state === "intact, not anchored") return `${base} Not anchored: ${v.problems.join("; ")}`;
  return `${base} Anchored by signed heads through entry ${v.anchored_through} (${v.head_signers.join(", ")}).`;
}

export function AuditPage() {
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [v, setV] = useState<AuditReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.audit().then(setRows, (e) => setError(messageOf(e)));
  }, []);
  const columns = useMemo<ColumnDef<AuditEntry, any>[]>(
    () => [
      { header: "#", accessorFn: (r) => Number(r.seq) },
      { header: "At", accessorKey: "at", cell: (c) => <When utc={c.row.original.at} zone={SYSTEM_ZONE} /> },
      { header: "Actor", accessorKey: "actor" },
      { header: "Action", accessorKey: "action" },
      { header: "Subject", accessorKey: "subject" },
    ],
    [],
  );
  return (
    <section>
      <header className="page-head">
        <h1>Audit log</h1>
        <button onClick={() => api.auditVerify().then(setV, (e) => setError(messageOf(e)))} data-action="verify">Verify chain</button>
      </header>
      {v && <p className={v.state === "intact and anchored" ? "notice" : "error"} role="status" data-state={v.state}>{chainText(v)}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <VerifyFiles />
      <DataTable label="Audit entries" data={rows} columns={columns} />
    </section>
  );
}
