import { useEffect, useMemo, useState } from "react";
import { openPath } from "@tauri-apps/plugin-opener";
import { api, messageOf } from "../api";
import type { ReportFiles } from "../bindings/ReportFiles";
import { previousMonth } from "../format";
import { useFormat } from "../components/LocaleContext";
import type { Dashboard } from "../bindings/Dashboard";
import { BarChart, LineChart } from "../components/Chart";
import type { AvailabilityLine } from "../bindings/AvailabilityLine";

export function DashboardPage() {
  const fmt = useFormat();
  const [d, setD] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<ReportFiles | null>(null);
  const [until, setUntil] = useState(previousMonth());
  const executive = () => api.exportExecutive(until, 12).then(setSummary, (e) => setError(messageOf(e)));
  useEffect(() => {
    api.dashboard().then(setD, (e) => setError(messageOf(e)));
  }, []);
  const heat = useMemo(() => {
    const months = [...new Set(d?.heatmap.map((c) => c.period) ?? [])].sort();
    const contracts = [...new Set(d?.heatmap.map((c) => c.contract) ?? [])].sort();
    const at = new Map(d?.heatmap.map((c) => [`${c.contract}|${c.period}`, c]) ?? []);
    return { months, contracts, at };
  }, [d]);
  // One series per direction and currency: amounts in different currencies
  // are never added together.
  const chart = useMemo(() => {
    const credits = d?.credits ?? [];
    const months = [...new Set(credits.map((c) => c.period))].sort();
    const keys = [...new Set(credits.map((c) => `${c.group}|${c.currency}`))].sort();
    // Colour says the direction: red what we owe, green what we are owed.
    const colour: Record<string, string> = { "owed by us": "#c0504d", "owed to us": "#2e7d4f" };
    const series = keys.map((k) => {
      const [group, currency] = k.split("|");
      return { label: `${group} (${currency})`, color: colour[group] ?? "#8a93a3", data: months.map((m) => credits.filter((c) => c.period === m && c.group === group && c.currency === currency).reduce((a, c) => a + Number(c.total), 0)) };
    });
    return { months, series };
  }, [d]);
  // Uptime against target over time for one contract, from its statements.
  const [contract, setContract] = useState("");
  const [uptime, setUptime] = useState<{ labels: string[]; series: { label: string; data: (number | null)[]; color: string; dashed?: boolean }[] }>({ labels: [], series: [] });
  useEffect(() => {
    if (!contract) return;
    const cells = (d?.heatmap ?? []).filter((c) => c.contract === contract).sort((a, b) => a.period.localeCompare(b.period));
    Promise.all(cells.map((c) => api.statements(c.period).then((rows) => rows.find((r) => r.contract === contract && r.status !== "superseded")))).then(async (infos) => {
      const docs = await Promise.all(infos.filter((i) => i).map((i) => api.statement(i!.number)));
      const labels = docs.map((s) => s.period);
      const lines = new Map<string, { uptime: (number | null)[]; target: (number | null)[] }>();
      docs.forEach((s, k) =>
        s.result.lines.filter((l): l is AvailabilityLine => "uptime" in l).forEach((l) => {
          const e = lines.get(l.sla) ?? { uptime: labels.map(() => null), target: labels.map(() => null) };
          e.uptime[k] = Number(l.uptime);
          e.target[k] = Number(l.target);
          lines.set(l.sla, e);
        }),
      );
      const palette = ["#4f6fbf", "#2e7d4f", "#b58a1b"];
      setUptime({ labels, series: [...lines.entries()].flatMap(([sla, e], i) => [{ label: `${sla} uptime %`, data: e.uptime, color: palette[i % 3] }, { label: `${sla} target %`, data: e.target, color: "#c0504d", dashed: true }]) });
    });
  }, [contract, d]);
  if (error) return <p className="error" role="alert">{error}</p>;
  return (
    <section>
      <header className="page-head">
        <h1>Dashboard</h1>
        <div className="actions">
          <label>Summary up to <input aria-label="Summary month" size={8} value={until} onChange={(e) => setUntil(e.target.value)} /></label>
          <button onClick={executive} data-action="executive">Executive summary (signed PDF + workbook)</button>
        </div>
      </header>
      {summary && (
        <p className="notice" role="status" aria-label="Executive summary files">
          Compliance summary for the 12 months to {until}, without operational detail: <button onClick={() => openPath(summary.pdf)}>Open PDF</button> <button onClick={() => openPath(summary.xlsx)}>Open workbook</button>
        </p>
      )}
      <h2>Compliance by contract and month</h2>
      <div className="heatmap" role="table" aria-label="Compliance heatmap">
        <div className="row head" role="row"><span role="columnheader">Contract</span>{heat.months.map((m) => <span key={m} role="columnheader">{m}</span>)}</div>
        {heat.contracts.map((c) => (
          <div className="row" role="row" key={c}>
            <span role="rowheader">{c}</span>
            {heat.months.map((m) => {
              const cell = heat.at.get(`${c}|${m}`);
              return <span key={m} role="cell" className={cell ? (cell.breached ? "bad" : "good") : "none"} title={cell ? `${cell.status}: ${fmt.amount(cell.currency, cell.total)}` : "no statement"}>{cell ? (cell.breached ? "breach" : "met") : ""}</span>;
            })}
          </div>
        ))}
      </div>
      <BarChart title="Credits of final statements by month, by direction and currency" labels={chart.months} series={chart.series} />
      <h2>Uptime against target</h2>
      <select aria-label="Contract for the uptime chart" value={contract} onChange={(e) => setContract(e.target.value)}>
        <option value="">Choose a contract…</option>
        {heat.contracts.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
      {contract && <LineChart title={`Monthly uptime of ${contract} against its target`} labels={uptime.labels} series={uptime.series} />}
    </section>
  );
}
