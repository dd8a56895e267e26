import { useEffect, useState, useSyncExternalStore } from "react";
import { open } from "@tauri-apps/plugin-dialog";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { api, messageOf } from "../api";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { Progress } from "../bindings/Progress";
import type { FileView } from "../bindings/FileView";
import type { SheetChoice } from "../bindings/SheetChoice";
import type { PresetView } from "../bindings/PresetView";
import type { PresetRequest } from "../bindings/PresetRequest";
import type { ComponentView } from "../bindings/ComponentView";
import { When } from "../components/LocaleContext";

const SPREADSHEET = /\.(xlsx|xls|ods|csv|json)$/i;

/** A vendor export read through a preset (issue 14): the user's choices. */
const NO_PRESET: PresetRequest = { preset: "", partial_weight: "", degraded_weight: "", zone: "", components: [], statuses: [] };

/** One sheet as the user wants it read: whether, as what, which columns. */
type Plan = SheetChoice & { use: boolean };

function plansOf(view: FileView): Plan[] {
  return view.sheets.map((s) => ({ sheet: s.name, kind: s.kind, use: s.kind !== "", columns: s.columns }));
}

/**
 * An import's progress and outcome outlive the screen (issue 15): a
 * million-row import goes on while the user looks at other screens, and
 * coming back shows where it stands, then what it did.
 */
type Run = { busy: boolean; progress: Progress | null; message: string | null };
let run: Run = { busy: false, progress: null, message: null };
const watchers = new Set<() => void>();
const setRun = (change: Partial<Run>) => {
  run = { ...run, ...change };
  watchers.forEach((f) => f());
};
const watchRun = (f: () => void) => {
  watchers.add(f);
  return () => {
    watchers.delete(f);
  };
};
let listening = false;
/** Progress events are followed once for the app's life, not per visit. */
function followProgress() {
  if (listening) return;
  listening = true;
  void api.onImportProgress((p) => setRun({ progress: p }));
}

export function ImportPage() {
  const { busy, progress, message } = useSyncExternalStore(watchRun, () => run);
  const setBusy = (b: boolean) => setRun({ busy: b });
  const setMessage = (m: string | null) => setRun({ message: m });
  const [path, setPath] = useState("");
  const [contract, setContract] = useState("");
  const [contracts, setContracts] = useState<string[]>([]);
  const [source, setSource] = useState("synthetic");
  const [view, setView] = useState<FileView | null>(null);
  const [plans, setPlans] = useState<Plan[]>([]);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [over, setOver] = useState(false);
  const [presets, setPresets] = useState<PresetView[]>([]);
  // Set when the file is a vendor export: read through its preset, with
  // the impact weights, zone and component mapping the user chooses.
  const [preset, setPreset] = useState<PresetRequest | null>(null);
  // The export's components, kept while the user maps them (a mapping
  // change clears the preview, not the list).
  const [known, setKnown] = useState<ComponentView[]>([]);
  useEffect(() => {
    api.listPresets().then(setPresets, () => {});
    api.listContracts().then((c) => setContracts(c.map((x) => x.id)), () => {});
    api.settings().then((s) => s.source_label && setSource(s.source_label), () => {});
    followProgress();
    // Files dropped on the window arrive as paths through Tauri (the
    // webview itself never sees their contents).
    const unDrop = getCurrentWebview().onDragDropEvent((e) => {
      if (e.payload.type === "over" || e.payload.type === "enter") setOver(true);
      else if (e.payload.type === "leave") setOver(false);
      else if (e.payload.type === "drop") {
        setOver(false);
        const f = e.payload.paths.find((p) => SPREADSHEET.test(p));
        if (f) pick(f);
        else setMessage("Drop an .xlsx, .xls, .ods or .csv file.");
      }
    });
    return () => {
      unDrop.then((f) => f());
    };
  }, []);
  // A preview always matches the file, contract and reading it was made
  // for: changing any of them clears it, so Import never acts on a stale one.
  const pick = (f: string) => {
    setPath(f);
    setView(null);
    setPlans([]);
    setPreview(null);
    setMessage(null);
    setPreset(null);
    setKnown([]);
  };
  /** Whether a preset knows the file; if so the wizard reads it with one. */
  const detect = async (): Promise<PresetRequest | null> => {
    if (preset) return preset;
    try {
      const found = await api.detectPreset(path);
      const req = found ? { ...NO_PRESET, preset: found.name } : null;
      setPreset(req);
      return req;
    } catch {
      return null;
    }
  };
  const changePreset = (change: Partial<PresetRequest>) => {
    if (preset) setPreset({ ...preset, ...change });
    setPreview(null);
  };
  // An emptied field stays empty while typed in (not the suggestion); only
  // filled ones are sent.
  const mapComponent = (component: string, service: string) =>
    changePreset({ components: [...(preset?.components ?? []).filter((c) => c.component !== component), { component, service }] });
  const sent = (req: PresetRequest): PresetRequest => ({ ...req, components: req.components.filter((c) => c.service.trim() !== "") });
  const choose = async () => {
    const f = await open({ multiple: false, filters: [{ name: "Spreadsheets and exports", extensions: ["xlsx", "xls", "ods", "csv", "json"] }] });
    if (typeof f === "string") pick(f);
  };
  /** Reads the file (its sheets, or a preview) with the import's progress line and Cancel: a large file takes a while (issue 15). */
  const reading = async (f: () => Promise<void>) => {
    setRun({ busy: true, progress: null });
    try {
      await f();
    } catch (e) {
      setMessage(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const readFile = async (): Promise<Plan[] | null> => {
    let p: Plan[] | null = null;
    // Its rows are counted as they are read, with the progress line and Cancel.
    await reading(async () => {
      const v = await api.inspectFile(path);
      setView(v);
      p = plansOf(v);
      setPlans(p);
    });
    return p;
  };
  const chosen = (p: Plan[]) => p.filter((x) => x.use && x.kind).map(({ sheet, kind, columns }) => ({ sheet, kind, columns }));
  const doPreview = async () => {
    setMessage(null);
    const req = await detect();
    if (req) {
      await reading(async () => {
        const pv = await api.importPreview(path, contract, undefined, undefined, sent(req));
        setPreview(pv);
        setKnown(pv.components);
      });
      return;
    }
    const p = view ? plans : await readFile();
    if (!p) return;
    if (chosen(p).length === 0) {
      setPreview(null);
      setMessage("No sheet is chosen: tick a sheet and say what it holds.");
      return;
    }
    await reading(async () => setPreview(await api.importPreview(path, contract, undefined, chosen(p))));
  };
  const doImport = async () => {
    setRun({ busy: true, progress: null });
    setMessage(null);
    try {
      const r = preset
        ? await api.importFile(path, source, contract || preview?.contract, undefined, undefined, sent(preset))
        : await api.importFile(path, source, contract || preview?.contract, undefined, chosen(plans));
      setMessage("Imported" in r ? `Imported ${r.Imported.import.file_name}: ${r.Imported.import.outage_rows} outage, ${r.Imported.import.maintenance_rows} maintenance, ${r.Imported.import.incident_rows} incident${Number(r.Imported.import.request_rows) ? `, ${r.Imported.import.request_rows} request` : ""} rows.` : `Already imported on ${r.AlreadyImported.imported_at}: nothing to do.`);
    } catch (e) {
      setMessage(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const edit = (i: number, change: Partial<Plan>) => {
    const next = plans.map((p, j) => (j === i ? { ...p, ...change } : p));
    setPlans(next);
    setPreview(null);
  };
  const setKind = (i: number, kind: string) => {
    // A new kind brings its own columns, guessed again from the headers
    // where the headers match the spec's names.
    const cols = view?.kinds.find((k) => k.kind === kind)?.columns ?? [];
    const header = view?.sheets[i].header ?? [];
    edit(i, { kind, use: kind !== "", columns: cols.map((c) => ({ column: c, header: header.find((h) => h.trim().toLowerCase() === c) ?? "" })) });
  };
  const setColumn = (i: number, column: string, header: string) => edit(i, { columns: plans[i].columns.map((c) => (c.column === column ? { ...c, header } : c)) });
  const pct = progress && Number(progress.rows_total) > 0 ? (100 * Number(progress.rows_done)) / Number(progress.rows_total) : 0;
  return (
    <section>
      <header className="page-head"><h1>Import evidence</h1></header>
      <div className={`dropzone${over ? " over" : ""}`} aria-label="Drop a spreadsheet here">
        Drop an outage log, maintenance notice or incident timeline here (xlsx, xls, ods, csv), or
        <button onClick={choose}>Choose…</button>
      </div>
      <div className="form">
        <label>Spreadsheet <input aria-label="Spreadsheet path" value={path} onChange={(e) => pick(e.target.value)} placeholder="/path/to/outages.xlsx" /></label>
        <button onClick={readFile} disabled={!path || busy} data-action="inspect">Read sheets</button>
        <label>Contract
          <select aria-label="Contract" value={contract} onChange={(e) => { setContract(e.target.value); setPreview(null); }}>
            <option value="">(the only one)</option>
            {contracts.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>Source <input aria-label="Source label" value={source} onChange={(e) => setSource(e.target.value)} /></label>
        <button onClick={doPreview} disabled={!path || busy} data-action="preview">Preview</button>
      </div>
      {view && (
        <div className="sheets" aria-label="Sheets and columns">
          <h2>Sheets and columns</h2>
          <p className="muted">Columns are guessed from the headers; change any that is wrong. Columns marked * are required.</p>
          {plans.map((p, i) => {
            const info = view.sheets[i];
            const kind = view.kinds.find((k) => k.kind === p.kind);
            return (
              <fieldset key={p.sheet}>
                <legend>
                  <label><input type="checkbox" aria-label={`Import sheet ${p.sheet}`} checked={p.use} onChange={(e) => edit(i, { use: e.target.checked })} /> {p.sheet}</label>
                  <span className="muted"> · {String(info.rows)} row(s)</span>
                </legend>
                <label>holds
                  <select aria-label={`Kind of sheet ${p.sheet}`} value={p.kind} onChange={(e) => setKind(i, e.target.value)}>
                    <option value="">(nothing to import)</option>
                    {view.kinds.map((k) => <option key={k.kind} value={k.kind}>{k.kind}</option>)}
                  </select>
                </label>
                {kind && (
                  <table className="plain mapping">
                    <thead><tr><th>Column</th><th>Read from the sheet's column</th></tr></thead>
                    <tbody>
                      {p.columns.map((c) => (
                        <tr key={c.column}>
                          <td>{c.column}{kind.required.includes(c.column) && " *"}</td>
                          <td>
                            <select aria-label={`Column ${c.column} of sheet ${p.sheet}`} value={c.header} onChange={(e) => setColumn(i, c.column, e.target.value)}>
                              <option value="">(none)</option>
                              {info.header.filter((h) => h.trim()).map((h) => <option key={h} value={h}>{h}</option>)}
                            </select>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </fieldset>
            );
          })}
        </div>
      )}
      {preset && (
        <div className="sheets" aria-label="Vendor export">
          <h2>Vendor export</h2>
          <div className="form">
            <label>Read as
              <select aria-label="Preset" value={preset.preset} onChange={(e) => changePreset({ preset: e.target.value })}>
                {presets.map((p) => <option key={p.name} value={p.name}>{p.title} ({p.name} v{p.version})</option>)}
              </select>
            </label>
            <label>Partial outage counts as <input aria-label="Partial outage weight" size={5} value={preset.partial_weight} placeholder="0.5" onChange={(e) => changePreset({ partial_weight: e.target.value })} /></label>
            <label>Degraded performance counts as <input aria-label="Degraded performance weight" size={5} value={preset.degraded_weight} placeholder="0.25" onChange={(e) => changePreset({ degraded_weight: e.target.value })} /></label>
            <label>Times without an offset are in <input aria-label="Zone for naive times" size={18} value={preset.zone} placeholder="(refused)" onChange={(e) => changePreset({ zone: e.target.value })} /></label>
          </div>
          {known.length > 0 && (
            <table className="plain mapping" aria-label="Component mapping">
              <thead><tr><th>Component in the export</th><th>Contract service</th><th>How</th></tr></thead>
              <tbody>
                {known.map((c) => (
                  <tr key={c.component}>
                    <td>{c.component}</td>
                    <td><input aria-label={`Service for component ${c.component}`} value={preset.components.find((x) => x.component === c.component)?.service ?? c.service} onChange={(e) => mapComponent(c.component, e.target.value)} /></td>
                    <td>{c.how || "unmapped"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {preview && (
        <div className="preview">
          {preview.preset && <p>Read with <b>{preview.preset}</b>{preview.weights.length > 0 && <>; impact weights {preview.weights.map((w) => `${w.component} = ${w.service}`).join(", ")}</>}.</p>}
          <p>
            For <b>{preview.contract}</b>; times without an offset are read in <b>{preview.time_zone}</b>, and every time is shown in it (UTC in the tooltip). {preview.outages} outage, {preview.maintenance} maintenance and {preview.incidents} incident rows.
          </p>
          {preview.errors.length > 0 ? (
            <div role="alert" className="error">
              <p>{preview.errors.length} problem(s); nothing will be written until they are fixed:</p>
              <ul>{preview.errors.map((e, i) => <li key={i} className="mono">{e}</li>)}</ul>
            </div>
          ) : (
            <>
              <table className="plain" aria-label="Preview rows">
                <thead><tr><th>Row</th><th>Kind</th><th>Service</th><th>Start</th><th>End</th><th>Detail</th></tr></thead>
                <tbody>{preview.rows.map((r, i) => <tr key={i}><td className="mono">{r.origin}</td><td>{r.kind}</td><td>{r.service}</td><td><When utc={r.start} zone={preview.time_zone} /></td><td>{r.end ? <When utc={r.end} zone={preview.time_zone} /> : "open"}</td><td>{r.detail}</td></tr>)}</tbody>
              </table>
              {preview.warnings.map((w, i) => <p key={i} className="muted">{w}</p>)}
              <button onClick={doImport} disabled={busy} data-action="import">Import</button>
            </>
          )}
        </div>
      )}
      {busy && (
        <div className="busy">
          {progress && (
            <div className="progress" role="progressbar" aria-valuenow={Math.round(pct)} aria-valuemin={0} aria-valuemax={100}>
              <div style={{ width: `${pct}%` }} />
              {/* rows_total 0: the file is still being read (checked row by row); the count to store comes after. */}
              <span>{Number(progress.rows_total) === 0 ? `Reading the file: ${String(progress.rows_done)} rows checked` : `${String(progress.rows_done)} of ${String(progress.rows_total)} rows stored`} ({String(progress.rows_per_second)} rows/s)</span>
            </div>
          )}
          <button onClick={() => api.cancelImport()}>Cancel</button>
        </div>
      )}
      {message && <p className="notice" role="status">{message}</p>}
    </section>
  );
}
