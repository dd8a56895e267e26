// The maturity review (issue 18): what to fix first across the portfolio,
// each finding with the action that fixes it; "Reviewed" records a review
// of a contract's terms or an objective (audited).
import { useEffect, useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { api, messageOf } from "../api";
import type { ReviewReport } from "../bindings/ReviewReport";
import type { ReviewFinding } from "../bindings/ReviewFinding";
import { DataTable } from "../components/Table";

const KIND_LABEL: Record<string, string> = {
  "credits-without-objective": "Credits, no objective",
  "objective-stricter-than-policy": "Objective no policy can serve",
  "objective-without-policy": "Objective without policy",
  "contract-without-owner": "Contract without owner",
  "contract-without-document": "No signed document",
  "terms-not-reviewed": "Terms not reviewed",
  "objective-not-reviewed": "Objective not reviewed",
};

/** The finding kinds a "Reviewed" click fixes, with what it marks. */
const MARKS: Record<string, string> = { "terms-not-reviewed": "contract", "objective-not-reviewed": "objective" };

export function ReviewPage() {
  const [days, setDays] = useState("365");
  const [r, setR] = useState<ReviewReport | null>(null);
  const [filter, setFilter] = useState("");
  const [msg, setMsg] = useState<string | null>(null);
  const run = () => api.reviewReport(Number(days)).then((x) => { setR(x); }, (e) => setMsg(messageOf(e)));
  useEffect(() => { run(); }, []);
  const mark = async (f: ReviewFinding) => {
    try {
      const rec = await api.reviewMark(MARKS[f.kind], f.subject, "");
      setMsg(`${f.subject} version ${rec.version} marked reviewed by ${rec.reviewed_by} (recorded in the audit log).`);
      run();
    } catch (e) {
      setMsg(messageOf(e));
    }
  };
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const f of r?.findings ?? []) c[f.kind] = (c[f.kind] ?? 0) + 1;
    return c;
  }, [r]);
  const columns = useMemo<ColumnDef<ReviewFinding, any>[]>(
    () => [
      { header: "Finding", accessorFn: (f) => KIND_LABEL[f.kind] ?? f.kind, id: "kind" },
      { header: "Subject", accessorKey: "subject" },
      { header: "Why", accessorKey: "message" },
      { header: "Fix", accessorKey: "fix", cell: (c) => <code>{c.getValue()}</code> },
      {
        header: "",
        id: "act",
        enableSorting: false,
        cell: (c) => MARKS[c.row.original.kind] ? <button data-action="mark-reviewed" onClick={() => mark(c.row.original)}>Reviewed</button> : null,
      },
    ],
    [],
  );
  return (
    <section>
      <header className="page-head"><h1>Maturity review</h1></header>
      <div className="form">
        <label>Review interval (days) <input aria-label="Review interval" size={5} value={days} onChange={(e) => setDays(e.target.value)} /></label>
        <button onClick={run} data-action="run-review">Review</button>
        <label>Filter <input aria-label="Filter findings" value={filter} onChange={(e) => setFilter(e.target.value)} /></label>
      </div>
      {msg && <p role="status">{msg}</p>}
      {r && (
        <>
          <p aria-label="Review summary">
            As of {r.as_of}: {r.contracts} contract(s), {r.objectives} objective(s), <b>{r.findings.length} finding(s)</b>
            {Object.keys(counts).length > 0 && <> ({Object.entries(counts).map(([k, n]) => `${n} ${(KIND_LABEL[k] ?? k).toLowerCase()}`).join(", ")})</>}.
          </p>
          {r.findings.length === 0 ? <p>No findings.</p> : <DataTable data={r.findings} columns={columns} filter={filter} label="Review findings" />}
        </>
      )}
    </section>
  );
}
