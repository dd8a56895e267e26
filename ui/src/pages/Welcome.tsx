import { useState } from "react";
import { open } from "@tauri-apps/plugin-dialog";
import { api, messageOf } from "../api";

/**
 * The first run (issue 16): no library yet. Create one (a folder chosen
 * with the system's dialog), open an existing one, or explore a sample
 * that says it is one on every screen and statement.
 */
export function WelcomePage(props: { suggested: string; onOpened: () => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState(props.suggested);
  // Issue 18: a library for a data room is encrypted from its creation.
  const [encrypt, setEncrypt] = useState(false);
  const [pass, setPass] = useState("");
  const [again, setAgain] = useState("");
  const passProblem = !encrypt ? null : pass.length < 8 ? "at least 8 characters" : pass !== again ? "the two passphrases differ" : null;
  const use = async (what: string, f: () => Promise<unknown>) => {
    setBusy(what);
    setError(null);
    try {
      await f();
      props.onOpened();
    } catch (e) {
      setError(`Not done: ${messageOf(e)}`);
    } finally {
      setBusy(null);
    }
  };
  const choose = async (title: string) => {
    const picked = await open({ directory: true, title, defaultPath: path });
    if (typeof picked === "string") setPath(picked);
  };
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title">Welcome to SLA Ledger</h1>
      <p>
        SLA Ledger keeps your contracts' service levels, the outage evidence you import, and the monthly credit statements it computes from them in a
        <b> library</b>: a folder on this computer. Nothing is sent anywhere.
      </p>
      <div className="choices">
        <div className="choice">
          <h2>Start a new library</h2>
          <p>An empty library in a folder you choose. Add a contract's terms, import its outage log, run the month.</p>
          <label>Folder <input aria-label="Library folder" size={44} value={path} onChange={(e) => setPath(e.target.value)} /></label>
          <label className="check">
            <input type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} data-field="encrypt" /> Encrypt it (for a data room: contracts, evidence and documents unreadable without the passphrase)
          </label>
          {encrypt && (
            <div className="passphrase">
              <label>Passphrase <input type="password" aria-label="Passphrase" autoComplete="new-password" value={pass} onChange={(e) => setPass(e.target.value)} data-field="passphrase" /></label>
              <label>Again <input type="password" aria-label="Passphrase again" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} data-field="passphrase-again" /></label>
              <p className="hint">{passProblem ?? "Keep it safe: without it the library cannot be read, by anyone."}</p>
            </div>
          )}
          <div className="actions">
            <button onClick={() => choose("A folder for the new library")} data-action="choose-folder">Choose folder…</button>
            <button disabled={!!busy || !path || !!passProblem} onClick={() => use("Creating", () => api.createLibrary(path, encrypt ? pass : null))} data-action="create-library">Create library here</button>
          </div>
        </div>
        <div className="choice">
          <h2>Open a library</h2>
          <p>A library folder you or your team already keep (it holds <span className="mono">library.sqlite3</span>).</p>
          <button disabled={!!busy} onClick={async () => { const p = await open({ directory: true, title: "Open a library folder" }); if (typeof p === "string") await use("Opening", () => api.switchLibrary(p)); }} data-action="open-library">Open library…</button>
        </div>
        <div className="choice">
          <h2>Explore a sample</h2>
          <p>Three contracts (New York, London across its clock change, a quarterly GitHub Enterprise term) with their outages and finished month ends. Clearly marked as a sample everywhere; your own library stays separate.</p>
          <button disabled={!!busy} onClick={() => use("Building the sample", () => api.openSample())} data-action="open-sample">Open the sample library</button>
        </div>
      </div>
      {busy && <p className="notice" role="status">{busy}…</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
