// The installed app, not the build tree's: after `scripts/check-deb.sh`
// installed the .deb, start the binary the package put on the PATH (with
// a fresh, empty library and no remembered settings) under Xvfb through
// tauri-driver, and check that the first screen appears and works.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Builder, By, until } from "selenium-webdriver";

const app = process.env.SLA_LEDGER_INSTALLED_APP ?? "/usr/bin/sla-ledger-app";
const shots = path.resolve(import.meta.dirname, "../e2e/screenshots");
const library = fs.mkdtempSync(path.join(os.tmpdir(), "sla-installed-"));
let driver, tauriDriver;

function waitForPort(port, ms) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve()));
      s.on("error", () => (Date.now() > end ? reject(new Error(`port ${port} never opened`)) : setTimeout(tryOnce, 200)));
    };
    tryOnce();
  });
}

before(async () => {
  assert.ok(fs.existsSync(app), `the package did not install ${app}`);
  tauriDriver = spawn("tauri-driver", [], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, SLA_LEDGER_LIBRARY: library, XDG_CONFIG_HOME: fs.mkdtempSync(path.join(os.tmpdir(), "sla-installed-config-")) },
  });
  await waitForPort(4444, 20000);
  await waitForPort(4445, 20000).catch(() => {});
  driver = await new Builder().usingServer("http://127.0.0.1:4444/").withCapabilities({ browserName: "wry", "tauri:options": { application: app } }).build();
});

after(async () => {
  await driver?.quit().catch(() => {});
  if (tauriDriver?.pid) {
    try {
      process.kill(-tauriDriver.pid, "SIGKILL");
    } catch {
      tauriDriver.kill("SIGKILL");
    }
  }
});

test("the installed app starts and shows its first screen", async () => {
  const nav = await driver.wait(until.elementLocated(By.css("nav")), 30000);
  assert.match(await nav.getText(), /Library[\s\S]*Month end[\s\S]*Audit/);
  // The first screen talks to the library: an empty one, made on first use.
  const main = await driver.wait(until.elementLocated(By.css("main")), 10000);
  await driver.wait(async () => (await main.getText()).includes("0 contract(s)"), 20000);
  assert.ok(fs.existsSync(path.join(library, "library.sqlite3")), "the app created its library");
  fs.mkdirSync(shots, { recursive: true });
  await driver.sleep(500);
  fs.writeFileSync(path.join(shots, "installed-first-screen.png"), await driver.takeScreenshot(), "base64");
});
