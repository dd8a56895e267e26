// What every end-to-end run shares: starting the app under tauri-driver
// (WebKitWebDriver behind it) with its own environment, and stopping the
// whole process group afterwards.
import { spawn } from "node:child_process";
import net from "node:net";
import { Builder } from "selenium-webdriver";

export function waitForPort(port, ms) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve()));
      s.on("error", () => (Date.now() > end ? reject(new Error(`port ${port} never opened`)) : setTimeout(tryOnce, 200)));
    };
    tryOnce();
  });
}

/** Starts `app` with `env` added to ours; returns the driver and a stop. */
export async function startApp(app, env) {
  // Its own process group, and no inherited stdio: the app it starts must
  // never outlive the test or hold the test runner's output open.
  const tauriDriver = spawn("tauri-driver", [], { detached: true, stdio: "ignore", env: { ...process.env, ...env } });
  // tauri-driver listens on 4444 before WebKitWebDriver is up on 4445.
  await waitForPort(4444, 20000);
  await waitForPort(4445, 20000).catch(() => {});
  const driver = await new Builder().usingServer("http://127.0.0.1:4444/").withCapabilities({ browserName: "wry", "tauri:options": { application: app } }).build();
  // The session can start while the webview is still loading its first
  // page; a script run then meets the unload (NoSuchFrameError). Wait for a
  // loaded document before handing the driver to a test.
  await driver.wait(async () => {
    try {
      return (await driver.executeScript("return document.readyState")) === "complete";
    } catch (e) {
      if (e.name === "NoSuchFrameError" || /unload/i.test(e.message ?? "")) return false;
      throw e;
    }
  }, 30000, "the app's first page never finished loading");
  const stop = async () => {
    await driver.quit().catch(() => {});
    try {
      process.kill(-tauriDriver.pid, "SIGKILL");
    } catch {
      tauriDriver.kill("SIGKILL");
    }
  };
  return { driver, stop };
}
