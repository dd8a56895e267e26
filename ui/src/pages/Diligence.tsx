import { useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { openPath } from "@tauri-apps/plugin-opener";
import { api, messageOf } from "../api";
import type { DiligenceReport } from "../bindings/DiligenceReport";
import type { ContractRow } from "../bindings/ContractRow";
import type { ReportFiles } from "../bindings/ReportFiles";
import { DataTable } from "../components/Table";
import { BarChart } from "../components/Chart";
import { previousMonth } from "../format";
import { useFormat } from "../components/LocaleContext";

export function DiligencePage() {
  const fmt = useFormat();
  const [until, setUntil] = useState(previousMonth());
  const [months, setMonths] = useState("12");
  const [whatIf, setWhatIf] = useState("99.5");
  const [capLimit, setCapLimit] = useState("50");
  const [only, setOnly] = useState("");
  const [r, setR] = useState<DiligenceReport | null>(null);
  const [files, setFiles] = useState<ReportFiles | null>(null);
  const [currency, setCurrency] = useState("");
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const request = () => ({ until, months: Number(months), contracts: only.split(/[\s,]+/).filter(Boolean), cap_limit: capLimit, what_if_uptime: whatIf });
  const run = async () => {
    setBusy(true);
    setMsg(null);
    setFiles(null);
    try {
      const x = await api.diligence(request());
      setR(x);
      setCurrency(x.monthly[0]?.currency ?? "");
    } catch (e) {
      setMsg(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const exportAll = async () => {
    setBusy(true);
    try {
      setFiles(await api.exportDiligence(request()));
    } catch (e) {
      setMsg(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const columns = useMemo<ColumnDef<ContractRow, any>[]>(
    () => [
      { header: "Contract", accessorKey: "contract" },
      { header: "Counterparty", accessorKey: "counterparty" },
      { header: "Direction", accessorKey: "direction" },
      { header: "Cur.", accessorKey: "currency" },
      { header: "Law", accessorKey: "governing_law" },
      { header: "Breached", accessorFn: (c) => `${c.months_breached} / ${c.months_evaluated}` },
      { header: "Credits", accessorFn: (c) => fmt.number(c.credits) },
      { header: "Exposure left", accessorFn: (c) => (c.exposure_left ? fmt.number(c.exposure_left) : "uncapped") },
      { header: "What-if / month", accessorFn: (c) => fmt.number(c.what_if_monthly) },
      { header: "Chronic", accessorKey: "chronic" },
    ],
    [fmt.locale],
  );
  const currencies = r ? [...new Set(r.monthly.map((m) => m.currency))] : [];
  const rows = r ? r.monthly.filter((m) => m.currency === currency) : [];
  return (
    <section>
      <header className="page-head"><h1>Due diligence</h1></header>
      <div className="form">
        <label>Last month <input aria-label="Last month" value={until} onChange={(e) => setUntil(e.target.value)} size={8} /></label>
        <label>Months <input aria-label="Months" value={months} onChange={(e) => setMonths(e.target.value)} size={3} inputMode="numeric" /></label>
        <label>What-if uptime % <input aria-label="What-if uptime" value={whatIf} onChange={(e) => setWhatIf(e.target.value)} size={6} /></label>
        <label>Flag caps above % <input aria-label="Cap limit" value={capLimit} onChange={(e) => setCapLimit(e.target.value)} size={4} /></label>
        <label>Only contracts <input aria-label="Only contracts" value={only} onChange={(e) => setOnly(e.target.value)} placeholder="all" /></label>
        <button onClick={run} disabled={busy} data-action="run-diligence">Run</button>
        <button onClick={exportAll} disabled={busy || !r} data-action="export-diligence">Sign and export PDF + workbook</button>
      </div>
      {msg && <p className="error" role="alert">{msg}</p>}
      {files && (
        <p className="notice" role="status" aria-label="Report files">
          Signed by {files.signed_by}: <button onClick={() => openPath(files.pdf)}>Open PDF</button> <button onClick={() => openPath(files.xlsx)}>Open workbook</button> <span className="mono">{files.pdf}</span>
        </p>
      )}
      {r && (
        <>
          <dl className="facts" aria-label="Portfolio facts">
            <dt>Contracts</dt><dd>{r.contracts_total} ({r.months[0]} to {r.months[r.months.length - 1]})</dd>
            <dt>Exposure left in term</dt><dd>{r.exposure.map((e) => `${fmt.amount(e.currency, e.amount)} ${e.direction === "customer" ? "we may owe" : "we may recover"}`).join(" · ")}</dd>
            <dt>Uncapped</dt><dd>{r.uncapped.join(", ") || "none"}</dd>
            <dt>What-if at {r.what_if_uptime} %</dt><dd>{r.what_if.map((e) => `${fmt.amount(e.currency, e.amount)} ${e.direction} / month`).join(" · ")}</dd>
            <dt>Chronic breach met</dt><dd>{r.contracts.filter((c) => c.chronic.startsWith("met")).map((c) => c.contract).join(", ") || "none"}</dd>
          </dl>
          <label className="form">Currency
            <select aria-label="Chart currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
              {currencies.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
          <BarChart
            title={`Credits by month in ${currency}: issued (we owe) and received (owed to us)`}
            labels={rows.map((m) => m.period)}
            series={[
              { label: "issued", data: rows.map((m) => Number(m.issued)), color: "#b3261e" },
              { label: "received", data: rows.map((m) => Number(m.received)), color: "#2e7d32" },
            ]}
          />
          <h2>Contracts</h2>
          <DataTable label="Portfolio contracts" data={r.contracts} columns={columns} height={360} />
          <div className="two-col">
            <div>
              <h2>Unusual terms</h2>
              <ul aria-label="Unusual terms">{r.unusual.map((f, i) => <li key={i}><b>{f.contract}</b>: {f.finding}</li>)}</ul>
            </div>
            <div>
              <h2>Gaps and laws</h2>
              <p>Without SLA terms: {r.without_sla_terms.join(", ") || "none"}</p>
              <p>Services without an SLO: {r.services_without_slo.length}</p>
              <ul>{r.by_governing_law.map(([law, n]) => <li key={law}>{law}: {n}</li>)}</ul>
            </div>
          </div>
          <ul className="muted">{r.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
        </>
      )}
    </section>
  );
}
