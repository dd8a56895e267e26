// The installed app, not the build tree's: after `scripts/check-deb.sh`
// installed the .deb, start the binary the package put on the PATH as a
// new user would (a fresh home: no library, nothing remembered) under Xvfb
// through tauri-driver: the welcome screen appears, and the sample library
// it offers is built from what the package carries and opens.
// `scripts/check-appimage.sh` runs the same check on the AppImage file
// itself (SLA_LEDGER_INSTALLED_APP), started without installing anything.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startApp } from "../e2e/support.mjs";
import { firstRun } from "../e2e/first-run.js";

const app = process.env.SLA_LEDGER_INSTALLED_APP ?? "/usr/bin/sla-ledger-app";
// The .deb check keeps its screenshots here (git-ignored); the AppImage check
// (scripts/check-appimage.sh) points SLA_LEDGER_INSTALL_SHOTS elsewhere so
// that one run does not overwrite the other's.
const shots = process.env.SLA_LEDGER_INSTALL_SHOTS ?? path.resolve(import.meta.dirname, "../e2e/screenshots/installed");
const home = fs.mkdtempSync(path.join(os.tmpdir(), "sla-installed-"));
const dataHome = path.join(home, "data");
let session;

before(async () => {
  assert.ok(fs.existsSync(app), `the package did not install ${app}`);
  delete process.env.SLA_LEDGER_LIBRARY;
  delete process.env.SLA_LEDGER_NOW;
  session = await startApp(app, { XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: path.join(home, "config") });
});

after(async () => {
  await session?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

test("the installed app starts on its welcome screen and opens the sample", async () => {
  await firstRun(session.driver, { shots, dataHome });
});
