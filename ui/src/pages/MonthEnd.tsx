import { useEffect, useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { openPath } from "@tauri-apps/plugin-opener";
import { GlossaryLink } from "./Glossary";
import { api, messageOf } from "../api";
import type { StatementInfo } from "../bindings/StatementInfo";
import type { Statement } from "../bindings/Statement";
import type { ExportedFiles } from "../bindings/ExportedFiles";
import type { NoticeFiles } from "../bindings/NoticeFiles";
import type { BatchProgress } from "../bindings/BatchProgress";
import { DataTable } from "../components/Table";
import { useConfirm } from "../components/Confirm";
import { previousMonth } from "../format";
import { useFormat, When } from "../components/LocaleContext";

/** Outages of a line on a time axis across the period: counted in red, excluded in grey. */
function Timeline(props: { start: string; end: string; rows: { start: string; end: string; counted: boolean; row: string }[] }) {
  const t0 = Date.parse(props.start), t1 = Date.parse(props.end);
  const x = (t: string) => (100 * (Math.min(Math.max(Date.parse(t), t0), t1) - t0)) / (t1 - t0);
  return (
    <svg className="timeline" viewBox="0 0 100 12" preserveAspectRatio="none" role="img" aria-label="Outages on the period's timeline">
      <rect x="0" y="5" width="100" height="2" className="axis" />
      {props.rows.map((r, i) => (
        <rect key={i} x={x(r.start)} y={r.counted ? 1 : 7} width={Math.max(0.3, x(r.end || props.end) - x(r.start))} height="4" className={r.counted ? "counted" : "excluded"}>
          <title>{r.row}</title>
        </rect>
      ))}
    </svg>
  );
}

export function MonthEndPage(props: { onHelp?: (id: string) => void } = {}) {
  const fmt = useFormat();
  const help = (id: string) => (props.onHelp ? <GlossaryLink id={id} onOpen={props.onHelp} /> : null);
  const [period, setPeriod] = useState(previousMonth());
  const [rows, setRows] = useState<StatementInfo[]>([]);
  const [selected, setSelected] = useState<Statement | null>(null);
  const [files, setFiles] = useState<ExportedFiles[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState("");
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  useEffect(() => {
    const un = api.onBatchProgress(setProgress);
    return () => {
      un.then((f) => f());
    };
  }, []);
  const load = () => api.statements(period).then(setRows, (e) => setStatus(messageOf(e)));
  useEffect(() => {
    load();
  }, [period]);
  const act = async (what: string, f: () => Promise<string>) => {
    setBusy(true);
    setFailure("");
    setStatus(`${what}…`);
    try {
      setStatus(await f());
      await load();
    } catch (e) {
      // A failure is said in words ("Not done:"), not by colour alone.
      setStatus("");
      setFailure(`Not done: ${messageOf(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const run = () => act("Computing", async () => {
    const out = await api.runMonth(period);
    const problems = out.filter((o) => o.problem).map((o) => `${o.contract}: ${o.problem}`);
    return `${out.filter((o) => o.statement).length} draft statement(s) computed for ${period}.${problems.length ? " " + problems.join("; ") : ""}`;
  });
  const finalize = () => act("Finalizing", async () => `${(await api.finalizeMonth(period)).length} statement(s) finalized: they can no longer change.`);
  const exportAll = () => act("Signing and exporting", async () => {
    const r = await api.exportMonth(period);
    setFiles(r.exported);
    const failed = r.failed.map((f) => `${f.statement}: ${f.error}`);
    return `${r.exported.length} statement(s) exported and signed to ${r.folder}.${failed.length ? ` ${failed.length} failed: ${failed.join("; ")}` : ""}`;
  });
  const [dialog, ask] = useConfirm();
  const discard = async (s: StatementInfo) => {
    const yes = await ask({
      title: `Discard draft ${s.number}?`,
      body: `The draft of ${s.contract} for ${s.period} (${fmt.amount(s.currency, s.total)}) is deleted; the audit trail records it. Running the month again computes a new one. Final statements are never discarded.`,
      confirm: "Discard draft",
    });
    if (yes === null) return;
    await act("Discarding", async () => {
      const gone = await api.discardDraft(s.number);
      if (selected?.number === gone.number) setSelected(null);
      return `Draft ${gone.number} discarded.`;
    });
  };
  const [notices, setNotices] = useState<NoticeFiles[]>([]);
  const draftNotices = () => act("Drafting notices", async () => {
    const n = await api.breachNotices(period);
    setNotices(n);
    return `${n.length} breach notice set(s) drafted for ${period} (legal and customer success, .txt and .eml); none was sent.`;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.key === "Enter") run();
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  });
  const columns = useMemo<ColumnDef<StatementInfo, any>[]>(
    () => [
      { header: "Statement", accessorKey: "number" },
      { header: "Contract", accessorKey: "contract" },
      { header: "Status", accessorFn: (r) => r.status.toUpperCase() },
      { header: "Breached", accessorFn: (r) => (r.breached ? "YES" : "no") },
      { header: "Total", accessorFn: (r) => fmt.amount(r.currency, r.total) },
      { header: "Claim deadline", accessorFn: (r) => r.claim_deadline ?? "-" },
      {
        id: "discard",
        header: () => <span className="sr-only">Discard</span>,
        enableSorting: false,
        cell: (c) =>
          c.row.original.status === "draft" ? (
            <button
              className="small"
              data-action="discard"
              aria-label={`Discard draft ${c.row.original.number}`}
              onClick={(e) => {
                e.stopPropagation();
                discard(c.row.original);
              }}
            >
              Discard
            </button>
          ) : null,
      },
    ],
    [selected, fmt.locale],
  );
  const r = selected?.result;
  return (
    <section>
      <header className="page-head">
        <h1>Month end</h1>
        <div className="actions">
          <label>Period <input aria-label="Period" value={period} onChange={(e) => setPeriod(e.target.value)} pattern="\d{4}-\d{2}" /></label>
          <button onClick={run} disabled={busy} title="Ctrl+Enter" data-action="run">Run month</button>
          <button onClick={finalize} disabled={busy || !rows.some((s) => s.status === "draft")} data-action="finalize">Finalize</button>
          <button onClick={exportAll} disabled={busy || !rows.some((s) => s.status === "final")} data-action="export">Sign and export</button>
          <button onClick={draftNotices} disabled={busy || !rows.some((s) => s.breached)} data-action="notices">Draft breach notices</button>
        </div>
      </header>
      {busy && progress && progress.total > 0 && (
        <div className="progress" role="progressbar" aria-valuenow={Math.round((100 * progress.done) / progress.total)} aria-valuemin={0} aria-valuemax={100}>
          <div style={{ width: `${(100 * progress.done) / progress.total}%` }} />
          <span>{progress.done} of {progress.total} {progress.current}</span>
        </div>
      )}
      {busy && <button onClick={() => api.cancelBatch()}>Cancel</button>}
      {dialog}
      {status && <p className="notice" role="status">{status}</p>}
      {failure && <p className="error" role="alert">{failure}</p>}
      <DataTable label="Statements of the month" data={rows} columns={columns} onRowClick={(s) => api.statement(s.number).then(setSelected)} rowClass={(s) => (s.breached ? "breached" : "")} height={300} />
      {props.onHelp && (
        <p className="muted small-print">
          What the columns mean: breached {help("breached")} · draft and final {help("draft")} · claim deadline {help("claim-deadline")} · cap {help("cap")} · restatement {help("restatement")}
        </p>
      )}
      {files.length > 0 && (
        <div className="files" aria-label="Exported files">
          {files.map((f) => (
            <p key={f.statement}>
              {f.statement} ({f.status}): <button onClick={() => openPath(f.pdf)}>Open PDF</button> <button onClick={() => openPath(f.xlsx)}>Open XLSX</button> <span className="mono">{f.pdf}</span>
            </p>
          ))}
        </div>
      )}
      {notices.length > 0 && (
        <div className="files" aria-label="Breach notices">
          {notices.map((n) => (
            <p key={n.statement + n.sla}>
              {n.statement} {n.sla}: {n.files.filter((f) => f.endsWith(".eml")).map((f) => <button key={f} onClick={() => openPath(f)}>Open {f.includes("_legal") ? "legal" : "customer success"} draft</button>)}
            </p>
          ))}
        </div>
      )}
      {selected && r && (
        <div className="why" aria-label="Why this number">
          <h2>Why {selected.number} = {fmt.amount(r.currency, r.total)}</h2>
          <p className="muted small-print">Period {r.period.label}: <When utc={r.period.start} zone={selected.timezone} /> to <When utc={r.period.end} zone={selected.timezone} /> ({selected.timezone}; UTC in each time's tooltip).</p>
          {r.lines.map((l) => (
            <details key={l.sla} open>
              <summary>
                <b>{l.sla}</b> — {"uptime" in l ? `uptime ${l.uptime} % against ${l.target} %` : `${l.breaches} breach(es), ${l.running} running`} → {fmt.number(l.amount)} {l.breached ? <span className="badge">breached</span> : null}
              </summary>
              {props.onHelp && (
                <p className="muted small-print">
                  {"uptime" in l ? <>Uptime {help("uptime")} · target {help("target")} · exclusions {help("exclusion")} · maintenance {help("maintenance")} · tiers {help("tiers")}</> : <>Breached {help("breached")} · cap {help("cap")}</>}
                </p>
              )}
              {"evidence" in l && l.evidence && l.evidence.length > 0 && <Timeline start={r.period.start} end={r.period.end} rows={l.evidence} />}
              {"evidence" in l && l.evidence && (
                <table className="plain"><thead><tr><th>Row</th><th>Start</th><th>End</th><th>Impact</th><th>Cause</th><th>Used or excluded</th></tr></thead>
                  <tbody>{l.evidence.map((e, i) => <tr key={i} className={e.counted ? "" : "excluded-row"}><td className="mono">{e.row}</td><td><When utc={e.start} zone={selected.timezone} /></td><td><When utc={e.end} zone={selected.timezone} /></td><td>{e.impact}</td><td>{e.cause}</td><td>{e.reason}</td></tr>)}</tbody>
                </table>
              )}
              <ol className="trace">{l.trace.map((t, i) => <li key={i}>{t}</li>)}</ol>
            </details>
          ))}
          <ol className="trace">{r.trace.map((t, i) => <li key={i}>{t}</li>)}</ol>
        </div>
      )}
    </section>
  );
}
