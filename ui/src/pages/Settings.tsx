import { useEffect, useState } from "react";
import { save as saveDialog } from "@tauri-apps/plugin-dialog";
import { api, messageOf } from "../api";
import type { LibraryInfo } from "../bindings/LibraryInfo";
import type { Settings } from "../bindings/Settings";
import type { NoticeTemplates } from "../bindings/NoticeTemplates";
import { LOCALES, amount, pickLocale, when } from "../format";

export function SettingsPage(props: { theme: string; setTheme: (t: string) => void; onLocale?: (l: string) => void }) {
  const [info, setInfo] = useState<LibraryInfo | null>(null);
  const [location, setLocation] = useState("");
  const [defaults, setDefaults] = useState<Settings>({ actor: "", source_label: "", export_dir: "", locale: "" });
  const [org, setOrg] = useState("");
  const [msg, setMsg] = useState<string | null>(null);
  const [tpl, setTpl] = useState<NoticeTemplates | null>(null);
  const [backupTo, setBackupTo] = useState("");
  const [busy, setBusy] = useState(false);
  const chooseBackup = async () => {
    const f = await saveDialog({ filters: [{ name: "SLA Ledger backup", extensions: ["slabackup"] }] });
    if (typeof f === "string") setBackupTo(f);
  };
  const backup = async () => {
    setBusy(true);
    try {
      const r = await api.libraryBackup(backupTo);
      setMsg(`Backed up to ${r.file}: ${r.manifest.audit_entries} audit entries, ${r.manifest.documents} document(s), ${r.bytes} bytes, SHA-256 ${r.archive_sha256.slice(0, 16)}…`);
    } catch (e) {
      setMsg(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    api.noticeTemplates().then(setTpl, (e) => setMsg(messageOf(e)));
  }, []);
  const load = () => {
    api.libraryInfo().then((i) => { setInfo(i); setLocation(i.path); }, (e) => setMsg(messageOf(e)));
    api.settings().then(setDefaults, (e) => setMsg(messageOf(e)));
  };
  useEffect(() => {
    load();
  }, []);
  const switchTo = async () => {
    try {
      const i = await api.switchLibrary(location);
      setMsg(i.locked ? `The library at ${i.path} is encrypted: its passphrase is asked next.` : `Opened the library at ${i.path} (${i.contracts} contracts).`);
      // Every screen reads from the library: start them afresh on the new one.
      setTimeout(() => window.location.reload(), 600);
    } catch (e) {
      setMsg(messageOf(e));
    }
  };
  const save = () => api.saveSettings(defaults).then((s) => { setDefaults(s); props.onLocale?.(s.locale); setMsg("Defaults saved (and recorded in the audit log)."); }, (e) => setMsg(messageOf(e)));
  return (
    <section>
      <header className="page-head"><h1>Settings</h1></header>
      <h2>Library</h2>
      <dl className="facts">
        <dt>Open library</dt><dd className="mono">{info?.path}</dd>
        <dt>Contracts</dt><dd>{info?.contracts}</dd>
        <dt>Signing identity</dt><dd>{info?.signing_identity ?? "none yet: final statements cannot be signed"}</dd>
      </dl>
      <div className="form">
        <label>Library location <input aria-label="Library location" size={48} value={location} onChange={(e) => setLocation(e.target.value)} /></label>
        <button data-action="switch-library" disabled={!location || location === info?.path} onClick={switchTo}>Open this library</button>
        <span className="muted">A new folder becomes a new, empty library. The app opens it again next time.</span>
      </div>
      <h3>Backup</h3>
      <div className="form">
        <label>Backup file <input aria-label="Backup file" size={48} value={backupTo} onChange={(e) => setBackupTo(e.target.value)} placeholder="ledger-backup.slabackup" /></label>
        <button onClick={chooseBackup}>Choose…</button>
        <button data-action="backup-library" disabled={!backupTo || busy} onClick={backup}>Back up</button>
        <span className="muted">One checksummed archive: the database, every attached document and a manifest of hashes. Restore it with <code>sla-ledger library restore</code>.</span>
      </div>
      <h2>Defaults for this library</h2>
      <div className="form">
        <label>Your name in the audit log <input aria-label="Actor name" value={defaults.actor} onChange={(e) => setDefaults({ ...defaults, actor: e.target.value })} placeholder="your login name" /></label>
        <label>Source label for imports <input aria-label="Default source label" value={defaults.source_label} onChange={(e) => setDefaults({ ...defaults, source_label: e.target.value })} placeholder="synthetic" /></label>
        <label>Export folder <input aria-label="Export folder" size={36} value={defaults.export_dir} onChange={(e) => setDefaults({ ...defaults, export_dir: e.target.value })} placeholder="the library's exports/ folder" /></label>
        <label>Numbers and dates
          <select aria-label="Numbers and dates" value={defaults.locale} onChange={(e) => setDefaults({ ...defaults, locale: e.target.value })}>
            <option value="">As the system ({pickLocale(null)})</option>
            {LOCALES.map((l) => <option key={l} value={l}>{l}: {amount("EUR", "1234.5", l)}, {when("2026-10-03T14:00:00Z", "Europe/Berlin", l)}</option>)}
          </select>
        </label>
        <button data-action="save-settings" onClick={save}>Save defaults</button>
      </div>
      <h2>Signing identity</h2>
      <div className="form">
        <label>Organisation <input aria-label="Organisation name" value={org} onChange={(e) => setOrg(e.target.value)} placeholder="Example Hosting Ltd" /></label>
        <button disabled={!org} onClick={() => api.createIdentity(org).then((s) => { setMsg(`Signing identity ${s.subject} created; this library now trusts ${s.trusted_root}.`); load(); }, (e) => setMsg(messageOf(e)))}>Create signing identity</button>
      </div>
      <h2>Breach notice templates</h2>
      {tpl && (
        <div className="templates">
          <p className="muted">First line <span className="mono">Subject: …</span>; placeholders: <span className="mono">{tpl.placeholders.join(" ")}</span>. Drafts are written to files and never sent.</p>
          <label>For legal<textarea aria-label="Legal template" rows={10} value={tpl.legal} onChange={(e) => setTpl({ ...tpl, legal: e.target.value })} /></label>
          <label>For customer success<textarea aria-label="Customer success template" rows={10} value={tpl.customer_success} onChange={(e) => setTpl({ ...tpl, customer_success: e.target.value })} /></label>
          <button data-action="save-templates" onClick={() => api.saveNoticeTemplates(tpl).then(() => setMsg("Templates saved (and recorded in the audit log)."), (e) => setMsg(messageOf(e)))}>Save templates</button>
        </div>
      )}
      <h2>Appearance</h2>
      <label className="form">Theme
        <select aria-label="Theme" value={props.theme} onChange={(e) => props.setTheme(e.target.value)}>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      {msg && <p className="notice" role="status">{msg}</p>}
      <p className="muted">Keyboard: Alt+1…9 and Alt+0 switch screens; Ctrl+Enter runs the month on the Month end screen.</p>
    </section>
  );
}
