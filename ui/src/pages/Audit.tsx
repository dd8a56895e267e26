import { useEffect, useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { api, messageOf } from "../api";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { Verification } from "../bindings/Verification";
import { DataTable } from "../components/Table";

export function AuditPage() {
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [v, setV] = useState<Verification | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.audit().then(setRows, (e) => setError(messageOf(e)));
  }, []);
  const columns = useMemo<ColumnDef<AuditEntry, any>[]>(
    () => [
      { header: "#", accessorFn: (r) => Number(r.seq) },
      { header: "At", accessorKey: "at" },
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
      {v && <p className={v.ok ? "notice" : "error"} role="status">{v.ok ? `Audit chain intact: ${v.entries} entries.` : `Audit chain broken: ${v.problem}`}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <DataTable label="Audit entries" data={rows} columns={columns} />
    </section>
  );
}
