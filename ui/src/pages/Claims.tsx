import { useEffect, useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { api, messageOf } from "../api";
import type { ClaimInfo } from "../bindings/ClaimInfo";
import { DataTable } from "../components/Table";
import { directionLabel } from "../format";
import { useFormat } from "../components/LocaleContext";

export function ClaimsPage() {
  const fmt = useFormat();
  const [rows, setRows] = useState<ClaimInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.claims().then(setRows, (e) => setError(messageOf(e)));
  }, []);
  const columns = useMemo<ColumnDef<ClaimInfo, any>[]>(
    () => [
      { header: "Days left", accessorFn: (r) => (r.days_left == null ? 99999 : Number(r.days_left)), cell: (c) => { const v = c.getValue() as number; return v === 99999 ? "-" : v < 0 ? `${-v} overdue` : v; } },
      { header: "Deadline", accessorFn: (r) => r.deadline ?? "-" },
      { header: "Counterparty", accessorFn: (r) => r.counterparty ?? r.contract },
      { header: "Direction", accessorFn: (r) => directionLabel(r.direction) },
      { header: "Statement", accessorKey: "statement" },
      { header: "Amount", accessorFn: (r) => fmt.amount(r.currency, r.amount) },
      { header: "State", accessorKey: "state" },
    ],
    [fmt.locale],
  );
  return (
    <section>
      <header className="page-head"><h1>Claims</h1></header>
      <p className="muted">Open credits, most urgent first. Vendor credits ("owed to us") are lost if not claimed by the deadline.</p>
      {error && <p className="error" role="alert">{error}</p>}
      <DataTable label="Open claims" data={rows} columns={columns} rowClass={(r) => (r.days_left != null && Number(r.days_left) <= 7 ? "urgent" : "")} />
    </section>
  );
}
