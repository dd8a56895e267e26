import { useEffect, useState } from "react";
import { open } from "@tauri-apps/plugin-dialog";
import { api, messageOf } from "../api";
import type { SloStatus } from "../bindings/SloStatus";
import type { BudgetReport } from "../bindings/BudgetReport";
import { BarChart, LineChart } from "../components/Chart";
import { When, useFormat } from "../components/LocaleContext";

/** Consumed share of a budget as a bar: green, amber past 75 %, red past 100 %. */
function BudgetBar(props: { b: BudgetReport }) {
  const pct = Number(props.b.consumed_percent ?? "0");
  const color = pct >= 100 ? "#b3261e" : pct >= 75 ? "#c77700" : "#2e7d32";
  return (
    <div className="budget-cell">
      <div className="budget-bar" role="meter" aria-label={`${props.b.slo} budget used`} aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${Math.min(pct, 100)}%`, background: color }} />
      </div>
      <span>{props.b.consumed_percent ?? "-"} % used</span>
    </div>
  );
}

function outlook(b: BudgetReport, at: (utc: string) => string): string {
  switch (b.outlook) {
    case "exhausted":
      return `exhausted since ${b.outlook_at ? at(b.outlook_at) : "?"}`;
    case "runs_out":
      return `runs out ${at(b.outlook_at ?? "")} at the last day's burn`;
    case "holds":
      return "holds to the end of the window";
    default:
      return "no burn in the last day";
  }
}

export function ObjectivesPage() {
  const [s, setS] = useState<SloStatus | null>(null);
  const [chosen, setChosen] = useState<string>("");
  const [msg, setMsg] = useState<string | null>(null);
  const [file, setFile] = useState("");
  const [exportPath, setExportPath] = useState("");
  const [ex, setEx] = useState({ start: "", end: "", reason: "", approver: "" });
  const load = () => api.sloStatus().then((x) => { setS(x); if (!chosen && x.budgets.length) setChosen(x.budgets[0].slo); }, (e) => setMsg(messageOf(e)));
  useEffect(() => {
    load();
  }, []);
  const act = async (what: "yaml" | "policy" | "requests") => {
    setMsg(null);
    try {
      if (what === "yaml") {
        const r = await api.sloImport(file);
        setMsg(`Imported ${r.length} objective(s): ${r.map(([n, v, c]) => `${n} v${v}${c ? "" : " (unchanged)"}`).join(", ")}.`);
      } else if (what === "policy") {
        setMsg(`Budget policy set for ${await api.sloPolicy(file)} objective(s).`);
      } else {
        // Naive times in a requests sheet are read in the chosen objective's zone (said below).
        const id = await api.requestsImport(file, zone, "requests");
        setMsg(id === null ? "That requests sheet was imported before: nothing to do." : "Requests imported.");
      }
      setFile("");
      await load();
    } catch (e) {
      setMsg(messageOf(e));
    }
  };
  const choose = async () => {
    const f = await open({ multiple: false, filters: [{ name: "OpenSLO YAML, policy TOML, requests sheet", extensions: ["yaml", "yml", "toml", "csv", "xlsx", "ods"] }] });
    if (typeof f === "string") setFile(f);
  };
  const b = s?.budgets.find((x) => x.slo === chosen);
  const f = useFormat();
  // Each objective's times are shown (and the exception form read) in its
  // own zone: a calendar window's, else its contracts' (issue 16).
  const zoneOf = (slo: string) => s?.zones[slo] ?? "UTC";
  const zone = zoneOf(chosen);
  return (
    <section>
      <header className="page-head"><h1>Objectives and error budgets</h1></header>
      <div className="form">
        <label>File <input aria-label="Objectives file path" size={40} value={file} onChange={(e) => setFile(e.target.value)} placeholder="slos.yaml, policy.toml or requests.csv" /></label>
        <button onClick={choose}>Choose…</button>
        <button disabled={!file} onClick={() => act("yaml")} data-action="import-slos">Import OpenSLO</button>
        <button disabled={!file} onClick={() => act("policy")} data-action="set-policy">Set budget policy</button>
        <button disabled={!file} onClick={() => act("requests")} data-action="import-requests">Import requests</button>
      </div>
      <div className="form">
        <label>Export to <input aria-label="OpenSLO export path" size={40} value={exportPath} onChange={(e) => setExportPath(e.target.value)} placeholder="/path/to/objectives.yaml" /></label>
        <button disabled={!exportPath} onClick={() => api.sloExport(exportPath).then((p) => setMsg(`Objectives written as OpenSLO v1 YAML to ${p}.`), (e) => setMsg(messageOf(e)))} data-action="export-slos">Export OpenSLO</button>
      </div>
      {msg && <p className="notice" role="status">{msg}</p>}
      {s && (
        <>
          <p className="muted">Evaluated at <When utc={s.now} zone={zone} />. Budgets count every outage of the service (or bad requests), less approved exceptions.</p>
          <table className="plain" aria-label="Error budgets">
            <thead><tr><th>Objective</th><th>Service</th><th>Target</th><th>Window</th><th>Budget</th><th>Consumed</th><th>Remaining</th><th>Used</th><th>Outlook</th></tr></thead>
            <tbody>
              {s.budgets.map((x) => (
                <tr key={x.slo} className={x.slo === chosen ? "selected" : Number(x.consumed_percent ?? 0) >= 100 ? "breached" : ""} onClick={() => setChosen(x.slo)}>
                  <td>{x.slo}</td><td>{x.service}</td><td>{x.target}{x.temporary_target ? " (temporary)" : ""}</td>
                  <td><When utc={x.window_start} zone={zoneOf(x.slo)} /> – <When utc={x.window_end} zone={zoneOf(x.slo)} /></td>
                  <td className="num">{x.budget} {x.unit}</td><td className="num">{x.consumed}</td><td className="num">{x.remaining}</td>
                  <td><BudgetBar b={x} /></td><td>{outlook(x, (t) => f.when(t, zoneOf(x.slo)))}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {b && (
            <div className="two-col">
              <div>
                <LineChart
                  title={`Budget left in the window: ${b.slo} (${b.unit})`}
                  labels={b.burndown.map(([t]) => t.slice(0, 10))}
                  series={[
                    { label: "remaining", data: b.burndown.map(([, v]) => Number(v)), color: "#1a3866" },
                    { label: "budget", data: b.burndown.map(() => Number(b.budget)), color: "#c77700", dashed: true },
                  ]}
                />
                <BarChart
                  title={`Burn rate of ${b.slo} (1 = spends the budget exactly over the window)`}
                  labels={b.burn_rates.map((r) => r.lookback)}
                  series={[{ label: "burn rate over the look-back", data: b.burn_rates.map((r) => Number(r.rate)), color: "#1a3866" }]}
                />
              </div>
              <div aria-label="Why these numbers">
                <h2>Thresholds</h2>
                {b.thresholds.length === 0 ? <p className="muted">No policy thresholds for this objective.</p> : (
                  <ul>
                    {b.thresholds.map((t) => (
                      <li key={t.consumed_percent} className={t.triggered ? "error" : ""}>
                        {t.consumed_percent} %: {t.action} (owner {t.owner}){t.triggered ? ` — triggered since ${t.since ? f.when(t.since, zone) : "?"}` : ""}
                      </li>
                    ))}
                  </ul>
                )}
                <h2>How</h2>
                <ol className="trace">{b.trace.map((l, i) => <li key={i}>{l}</li>)}</ol>
              </div>
            </div>
          )}
          {s.pools.length > 0 && (
            <>
              <h2>Pooled budgets</h2>
              <table className="plain" aria-label="Pooled budgets">
                <thead><tr><th>Group</th><th>Objectives</th><th>Budget</th><th>Consumed</th><th>Used %</th></tr></thead>
                <tbody>{s.pools.map((p) => <tr key={p.group}><td>{p.group}</td><td>{p.members.join(", ")}</td><td className="num">{p.budget} {p.unit}</td><td className="num">{p.consumed}</td><td className="num">{p.consumed_percent ?? "-"}</td></tr>)}</tbody>
              </table>
            </>
          )}
          <h2>Approve an exception</h2>
          <div className="form">
            <label>Objective
              <select aria-label="Exception objective" value={chosen} onChange={(e) => setChosen(e.target.value)}>
                {s.budgets.map((x) => <option key={x.slo} value={x.slo}>{x.slo}</option>)}
              </select>
            </label>
            <label>From ({zone}) <input aria-label={`Exception start, local time in ${zone}`} placeholder="2026-10-12 03:00" value={ex.start} onChange={(e) => setEx({ ...ex, start: e.target.value })} /></label>
            <label>To ({zone}) <input aria-label={`Exception end, local time in ${zone}`} placeholder="2026-10-12 07:00" value={ex.end} onChange={(e) => setEx({ ...ex, end: e.target.value })} /></label>
            <label>Reason <input aria-label="Exception reason" value={ex.reason} onChange={(e) => setEx({ ...ex, reason: e.target.value })} /></label>
            <label>Approved by <input aria-label="Exception approver" value={ex.approver} onChange={(e) => setEx({ ...ex, approver: e.target.value })} /></label>
            <button data-action="add-exception" disabled={!chosen || !ex.start || !ex.end || !ex.reason || !ex.approver} onClick={() => api.sloException(chosen, ex.start, ex.end, ex.reason, ex.approver).then(() => { setMsg("Exception recorded (and audited)."); setEx({ start: "", end: "", reason: "", approver: "" }); load(); }, (e) => setMsg(messageOf(e)))}>Record exception</button>
          </div>
          <p className="muted">Times are read in {zone} (the objective's zone), as are times without an offset in an imported requests sheet; a time with an offset such as <code>2026-10-12T07:00:00Z</code> is taken as written.</p>
          <h2>Approved exceptions</h2>
          {s.exceptions.length === 0 ? <p className="muted">No exception approved yet.</p> : (
            <table className="plain" aria-label="Approved exceptions">
              <thead><tr><th>Objective</th><th>From</th><th>To</th><th>Reason</th><th>Approved by</th><th>Recorded</th></tr></thead>
              <tbody>{s.exceptions.map((x) => <tr key={x.id}><td>{x.slo}</td><td><When utc={x.start} zone={zoneOf(x.slo)} /></td><td><When utc={x.end} zone={zoneOf(x.slo)} /></td><td>{x.reason}</td><td>{x.approver}</td><td>{x.recorded_by}, <When utc={x.recorded_at} zone={zoneOf(x.slo)} /></td></tr>)}</tbody>
            </table>
          )}
          <h2>Threshold history</h2>
          {s.history.length === 0 ? <p className="muted">No threshold crossed yet.</p> : (
            <table className="plain" aria-label="Threshold history">
              <thead><tr><th>Objective</th><th>Window from</th><th>Consumed</th><th>Action</th><th>Owner</th><th>Since</th><th>Recorded</th></tr></thead>
              <tbody>{s.history.map((h, i) => <tr key={i}><td>{h.slo}</td><td><When utc={h.window_start} zone={zoneOf(h.slo)} /></td><td>{h.consumed_percent} %</td><td>{h.action}</td><td>{h.owner}</td><td>{h.since ? <When utc={h.since} zone={zoneOf(h.slo)} /> : "-"}</td><td><When utc={h.recorded_at} zone={zoneOf(h.slo)} /></td></tr>)}</tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
