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
  const [counterparty, setCounterparty] = useState("");
  const [status, setStatus] = useState("");
  const [parties, setParties] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [termsPath, setTermsPath] = useState("");
  const [loadedIn, setLoadedIn] = useState<number | null>(null);
  const load = () => {
    const t0 = performance.now();
    return api.listContracts({ direction, counterparty, status }).then((r) => {
      setRows(r);
      setLoadedIn(performance.now() - t0);
      // The counterparty choices come from an unfiltered list.
      if (!direction && !counterparty && !status) setParties([...new Set(r.map((c) => c.counterparty ?? "").filter(Boolean))].sort());
    }, (e) => setError(messageOf(e)));
  };
  useEffect(() => {
    load();
  }, [direction, counterparty, status]);
  const columns = useMemo<ColumnDef<ContractSummary, any>[]>(
    () => [
      { header: "Contract", accessorKey: "id" },
      { header: "Counterparty", accessorFn: (r) => r.counterparty ?? "" },
      { header: "Direction", accessorFn: (r) => directionLabel(r.direction) },
      { header: "Status", accessorKey: "status" },
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
          <select aria-label="Filter by counterparty" value={counterparty} onChange={(e) => setCounterparty(e.target.value)}>
            <option value="">All counterparties</option>
            {parties.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
          <select aria-label="Filter by status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="upcoming">Not yet started</option>
            <option value="ended">Ended</option>
          </select>
          <button onClick={add}>Add contract…</button>
          <input aria-label="Terms file path" placeholder="or paste a terms file path" value={termsPath} onChange={(e) => setTermsPath(e.target.value)} onKeyDown={(e) => e.key === "Enter" && termsPath && addPath(termsPath)} />
          <button onClick={() => addPath(termsPath)} disabled={!termsPath} data-action="add-path">Add</button>
        </div>
      </header>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted" data-testid="contract-count" data-loaded-ms={loadedIn === null ? "" : Math.round(loadedIn)}>
        {rows.length} contract(s){loadedIn !== null && ` · listed in ${Math.round(loadedIn)} ms`}
      </p>
      <DataTable label="Contracts" data={rows} columns={columns} filter={search} onRowClick={(r) => props.onOpen(r.id)} height={620} />
    </section>
  );
}
