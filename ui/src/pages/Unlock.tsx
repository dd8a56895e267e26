import { useState } from "react";
import { api, isErrorData, messageOf } from "../api";

/**
 * An encrypted library (issue 18) asks for its passphrase before anything
 * else opens it. A wrong one is said as such (E-PASSPHRASE) and changes
 * nothing; "remember" keeps it in the OS keychain for this user.
 */
export function UnlockPage(props: { path: string; onUnlocked: () => void }) {
  const [pass, setPass] = useState("");
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unlock = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.unlockLibrary(pass, remember);
      props.onUnlocked();
    } catch (e) {
      setError(isErrorData(e) && e.code === "E-PASSPHRASE" ? "That passphrase does not unlock this library. Nothing was changed; try again." : `Not unlocked: ${messageOf(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="welcome unlock" aria-labelledby="unlock-title">
      <h1 id="unlock-title">This library is encrypted</h1>
      <p>
        <span className="mono">{props.path}</span> keeps its contracts, evidence and documents encrypted. Give its passphrase to open it.
      </p>
      <form onSubmit={(e) => { e.preventDefault(); if (pass) void unlock(); }}>
        <label>Passphrase <input type="password" aria-label="Passphrase" autoFocus autoComplete="current-password" value={pass} onChange={(e) => setPass(e.target.value)} data-field="unlock-passphrase" /></label>
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-field="remember" /> Remember it in this computer's keychain
        </label>
        <div className="actions">
          <button type="submit" disabled={busy || !pass} data-action="unlock">Unlock</button>
        </div>
      </form>
      {busy && <p className="notice" role="status">Unlocking…</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
