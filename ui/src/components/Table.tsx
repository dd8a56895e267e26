// Sortable, filterable, virtualized table (TanStack Table + TanStack
// Virtual): only the visible rows are in the DOM, so 10,000 contracts
// scroll smoothly.
import { useRef, useState } from "react";
import { flexRender, getCoreRowModel, getFilteredRowModel, getSortedRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";

export function DataTable<T>(props: { data: T[]; columns: ColumnDef<T, any>[]; filter?: string; onRowClick?: (row: T) => void; rowClass?: (row: T) => string; height?: number; label: string }) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const table = useReactTable({
    data: props.data,
    columns: props.columns,
    state: { sorting, globalFilter: props.filter ?? "" },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  const rows = table.getRowModel().rows;
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 34, overscan: 12 });
  const items = virtual.getVirtualItems();
  const padTop = items.length ? items[0].start : 0;
  const padBottom = items.length ? virtual.getTotalSize() - items[items.length - 1].end : 0;
  return (
    <div className="table-wrap" ref={parent} style={{ maxHeight: props.height ?? 520 }} role="region" aria-label={props.label} tabIndex={0}>
      <table>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th key={h.id} aria-sort={h.column.getIsSorted() === "asc" ? "ascending" : h.column.getIsSorted() === "desc" ? "descending" : "none"}>
                  {/* A button, so that sorting works with the keyboard too. */}
                  <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()}>
                    {flexRender(h.column.columnDef.header, h.getContext())}
                    {{ asc: " ▲", desc: " ▼" }[h.column.getIsSorted() as string] ?? ""}
                  </button>
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {padTop > 0 && <tr style={{ height: padTop }} />}
          {items.map((vi) => {
            const row = rows[vi.index];
            return (
              <tr key={row.id} className={props.rowClass?.(row.original) ?? ""} onClick={() => props.onRowClick?.(row.original)} tabIndex={props.onRowClick ? 0 : undefined} onKeyDown={(e) => e.key === "Enter" && props.onRowClick?.(row.original)}>
                {row.getVisibleCells().map((c) => (
                  <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                ))}
              </tr>
            );
          })}
          {padBottom > 0 && <tr style={{ height: padBottom }} />}
          {rows.length === 0 && (
            <tr>
              <td colSpan={props.columns.length} className="empty">Nothing here yet.</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
