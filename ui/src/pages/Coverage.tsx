import { useState } from "react";
import { open } from "@tauri-apps/plugin-dialog";
import { api, messageOf } from "../api";
import type { CoverageOutput } from "../bindings/CoverageOutput";
import type { TwoMethods } from "../bindings/TwoMethods";
import { previousMonth } from "../format";

export function CoveragePage() {
  const [map, setMap] = useState("");
  const [until, setUntil] = useState(previousMonth());
  const [c, setC] = useState<CoverageOutput | null>(null);
  const [two, setTwo] = useState<TwoMethods | null>(null);
  const [q, setQ] = useState({ contract: "", sla: "", period: previousMonth() });
  const [msg, setMsg] = useState<string | null>(null);
  const run = () => api.coverage(map, until, 3).then((x) => { setC(x); setMsg(null); }, (e) => setMsg(messageOf(e)));
  const choose = async () => {
    const f = await open({ multiple: false, filters: [{ name: "Dependency map", extensions: ["toml"] }] });
    if (typeof f === "string") setMap(f);
  };
  return (
    <section>
      <header className="page-head"><h1>Vendor coverage</h1></header>
      <div className="form">
        <label>Dependency map <input aria-label="Dependency map path" size={40} value={map} onChange={(e) => setMap(e.target.value)} placeholder="coverage.toml" /></label>
        <button onClick={choose}>Choose…</button>
        <label>Month <input aria-label="Coverage month" size={8} value={until} onChange={(e) => setUntil(e.target.value)} /></label>
        <button disabled={!map} onClick={run} data-action="run-coverage">Check coverage</button>
      </div>
      {msg && <p className="error" role="alert">{msg}</p>}
      {c && (
        <>
          <div className="cards" aria-label="Coverage map">
            {c.services.map((s) => (
              <div key={s.service} className={`card ${s.covered ? "ok" : "gap"}`}>
                <h2>{s.service}</h2>
                <p>We promise <b>{s.promised} %</b>; vendors guarantee <b>{s.guaranteed ?? "unknown"} %</b>: {s.covered ? "covered" : `gap of ${s.gap ?? "?"} points`}.</p>
                {s.single_points_of_failure.length > 0 && <p>Single points of failure: {s.single_points_of_failure.join(", ")}</p>}
                <ol className="trace">{s.trace.map((t, i) => <li key={i}>{t}</li>)}</ol>
              </div>
            ))}
          </div>
          <h2>Two sources for the same vendor service</h2>
          <table className="plain" aria-label="Source comparison">
            <thead><tr><th>Sources</th><th>Both saw</th><th>Only the first</th><th>Only the second</th></tr></thead>
            <tbody>{c.comparisons.map((x, i) => <tr key={i}><td>{x.a} / {x.b}</td><td className="num">{Math.round(x.both_seconds / 60)} min</td><td className="num">{Math.round(x.only_a_seconds / 60)} min</td><td className="num">{Math.round(x.only_b_seconds / 60)} min</td></tr>)}</tbody>
          </table>
          <h2>Vendors close to their targets</h2>
          {c.margin.length === 0 ? <p className="muted">None.</p> : <ul>{c.margin.map((m) => <li key={m.contract + m.sla}>{m.contract} {m.sla}: {m.months.join(", ")} (closest: {m.closest} points {m.closest.startsWith("-") ? "below" : "above"} target)</li>)}</ul>}
          <h2>Recovery per incident, {c.recovery_period}</h2>
          <table className="plain" aria-label="Recovery ratio">
            <thead><tr><th>Incident</th><th>Cur.</th><th>We owe customers</th><th>We can claim</th><th>Recovery</th></tr></thead>
            <tbody>{c.recovery.map((r) => <tr key={r.incident + r.currency}><td>{r.incident}</td><td>{r.currency}</td><td className="num">{r.owed_to_customers}</td><td className="num">{r.claimable_from_vendors}</td><td className="num">{r.ratio ?? "-"}</td></tr>)}</tbody>
          </table>
        </>
      )}
      <h2>SLA and SLO side by side</h2>
      <div className="form">
        <label>Contract <input aria-label="Compare contract" value={q.contract} onChange={(e) => setQ({ ...q, contract: e.target.value })} /></label>
        <label>Term <input aria-label="Compare term" value={q.sla} onChange={(e) => setQ({ ...q, sla: e.target.value })} /></label>
        <label>Month <input aria-label="Compare month" size={8} value={q.period} onChange={(e) => setQ({ ...q, period: e.target.value })} /></label>
        <button disabled={!q.contract || !q.sla} onClick={() => api.twoMethods(q.contract, q.sla, q.period).then(setTwo, (e) => setMsg(messageOf(e)))} data-action="compare">Compare</button>
      </div>
      {two && (
        <div aria-label="Two methods">
          <p>SLA <b>{two.sla_uptime} %</b> · SLO <b>{two.slo_uptime} %</b> · difference {two.difference} points</p>
          <ul>{two.explanation.map((e, i) => <li key={i}>{e}</li>)}</ul>
        </div>
      )}
    </section>
  );
}
