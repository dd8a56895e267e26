import { useEffect, useState } from "react";
import { api, messageOf } from "../api";
import type { LibraryInfo } from "../bindings/LibraryInfo";

export function SettingsPage(props: { theme: string; setTheme: (t: string) => void }) {
  const [info, setInfo] = useState<LibraryInfo | null>(null);
  const [org, setOrg] = useState("");
  const [msg, setMsg] = useState<string | null>(null);
  const load = () => api.libraryInfo().then(setInfo, (e) => setMsg(messageOf(e)));
  useEffect(() => {
    load();
  }, []);
  return (
    <section>
      <header className="page-head"><h1>Settings</h1></header>
      <dl className="facts">
        <dt>Library</dt><dd className="mono">{info?.path}</dd>
        <dt>Contracts</dt><dd>{info?.contracts}</dd>
        <dt>Signing identity</dt><dd>{info?.signing_identity ?? "none yet: final statements cannot be signed"}</dd>
      </dl>
      <div className="form">
        <label>Organisation <input aria-label="Organisation name" value={org} onChange={(e) => setOrg(e.target.value)} placeholder="Example Hosting Ltd" /></label>
        <button disabled={!org} onClick={() => api.createIdentity(org).then((s) => { setMsg(`Signing identity ${s} created.`); load(); }, (e) => setMsg(messageOf(e)))}>Create signing identity</button>
      </div>
      <label className="form">Theme
        <select aria-label="Theme" value={props.theme} onChange={(e) => props.setTheme(e.target.value)}>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      {msg && <p className="notice" role="status">{msg}</p>}
      <p className="muted">Keyboard: Alt+1…7 switch screens; Ctrl+Enter runs the month on the Month end screen.</p>
    </section>
  );
}
