import { useEffect, useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { open } from "@tauri-apps/plugin-dialog";
import { api, messageOf } from "../api";
import type { ContractSummary } from "../bindings/ContractSummary";
import { DataTable } from "../components/Table";
import { directionLabel } from "../format";

export function LibraryPage(props: { onOpen: (id: string) => void }) {
  const [rows, setRows] = useState<ContractSummary[]>([]);
  const [search, setSearch] = useState("");
  const [direction, setDirection] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [termsPath, setTermsPath] = useState("");
  const load = () => api.listContracts(undefined, direction).then(setRows, (e) => setError(messageOf(e)));
  useEffect(() => {
    load();
  }, [direction]);
  const columns = useMemo<ColumnDef<ContractSummary, any>[]>(
    () => [
      { header: "Contract", accessorKey: "id" },
      { header: "Counterparty", accessorFn: (r) => r.counterparty ?? "" },
      { header: "Direction", accessorFn: (r) => directionLabel(r.direction) },
      { header: "Owner", accessorFn: (r) => r.owner ?? "" },
      { header: "Governing law", accessorFn: (r) => r.governing_law ?? "" },
      { header: "SLA terms", accessorKey: "sla_terms" },
      { header: "Last statement", accessorFn: (r) => r.last_statement ?? "-" },
      { header: "Next claim deadline", accessorFn: (r) => r.next_claim_deadline ?? "-" },
    ],
    [],
  );
  const addPath = async (file: string) => {
    setError(null);
    try {
      await api.addContract(file);
      setTermsPath("");
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const add = async () => {
    const file = await open({ multiple: false, filters: [{ name: "Terms", extensions: ["toml"] }] });
    if (typeof file === "string") await addPath(file);
  };
  return (
    <section>
      <header className="page-head">
        <h1>Library</h1>
        <div className="actions">
          <input aria-label="Search contracts" placeholder="Search parties, owner, law…" value={search} onChange={(e) => setSearch(e.target.value)} />
          <select aria-label="Filter by direction" value={direction} onChange={(e) => setDirection(e.target.value)}>
            <option value="">All directions</option>
            <option value="customer">Owed by us (customer)</option>
            <option value="vendor">Owed to us (vendor)</option>
          </select>
          <button onClick={add}>Add contract…</button>
          <input aria-label="Terms file path" placeholder="or paste a terms file path" value={termsPath} onChange={(e) => setTermsPath(e.target.value)} onKeyDown={(e) => e.key === "Enter" && termsPath && addPath(termsPath)} />
          <button onClick={() => addPath(termsPath)} disabled={!termsPath} data-action="add-path">Add</button>
        </div>
      </header>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted">{rows.length} contract(s)</p>
      <DataTable label="Contracts" data={rows} columns={columns} filter={search} onRowClick={(r) => props.onOpen(r.id)} height={620} />
    </section>
  );
}
