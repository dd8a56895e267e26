// The first run of the app from the build tree: a fresh home (no library,
// nothing remembered), the welcome screen, the sample library.
import { test, before, after } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startApp } from "./support.mjs";
import { firstRun } from "./first-run.js";

const root = path.resolve(import.meta.dirname, "../..");
const app = process.env.SLA_LEDGER_APP ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug/sla-ledger-app");
const home = fs.mkdtempSync(path.join(os.tmpdir(), "sla-e2e-first-"));
const dataHome = path.join(home, "data");
let session;

before(async () => {
  const env = { XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: path.join(home, "config"), SLA_LEDGER_NOW: "2026-11-27T10:00:00Z", SLA_LEDGER_ACTOR: "e2e" };
  delete process.env.SLA_LEDGER_LIBRARY;
  session = await startApp(app, env);
});

after(async () => {
  await session?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

test("the first run offers a sample library that says it is one", async () => {
  await firstRun(session.driver, { shots: path.join(import.meta.dirname, "screenshots"), dataHome });
});
