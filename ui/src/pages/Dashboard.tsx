import { useEffect, useMemo, useState } from "react";
import { api, messageOf } from "../api";
import type { Dashboard } from "../bindings/Dashboard";
import { BarChart } from "../components/Chart";

export function DashboardPage() {
  const [d, setD] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
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
    const palette = ["#c0504d", "#2e7d4f", "#4f6fbf", "#b58a1b", "#7a4fbf"];
    const series = keys.map((k, i) => {
      const [group, currency] = k.split("|");
      return { label: `${group} (${currency})`, color: palette[i % palette.length], data: months.map((m) => credits.filter((c) => c.period === m && c.group === group && c.currency === currency).reduce((a, c) => a + Number(c.total), 0)) };
    });
    return { months, series };
  }, [d]);
  if (error) return <p className="error" role="alert">{error}</p>;
  return (
    <section>
      <header className="page-head"><h1>Dashboard</h1></header>
      <h2>Compliance by contract and month</h2>
      <div className="heatmap" role="table" aria-label="Compliance heatmap">
        <div className="row head" role="row"><span role="columnheader">Contract</span>{heat.months.map((m) => <span key={m} role="columnheader">{m}</span>)}</div>
        {heat.contracts.map((c) => (
          <div className="row" role="row" key={c}>
            <span role="rowheader">{c}</span>
            {heat.months.map((m) => {
              const cell = heat.at.get(`${c}|${m}`);
              return <span key={m} role="cell" className={cell ? (cell.breached ? "bad" : "good") : "none"} title={cell ? `${cell.status}: ${cell.currency} ${cell.total}` : "no statement"}>{cell ? (cell.breached ? "breach" : "met") : ""}</span>;
            })}
          </div>
        ))}
      </div>
      <BarChart title="Credits of final statements by month, by direction and currency" labels={chart.months} series={chart.series} />
    </section>
  );
}
