// End to end: the real app under Xvfb, driven through tauri-driver and
// WebKitWebDriver, from an empty library: add fixture contracts, import a
// fixture workbook and CSVs, run a month, open a line's explanation,
// finalize, sign and export; assert on the screen and on the files written.
// Screenshots of each main screen go to e2e/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Builder, By, until } from "selenium-webdriver";

const root = path.resolve(import.meta.dirname, "../..");
const app = process.env.SLA_LEDGER_APP ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug/sla-ledger-app");
const shots = path.join(import.meta.dirname, "screenshots");
const library = fs.mkdtempSync(path.join(os.tmpdir(), "sla-e2e-"));
const fixtures = path.join(root, "fixtures/cases");
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

async function shot(name) {
  // Let the UI settle (fonts, charts) before the picture.
  await driver.sleep(600);
  fs.mkdirSync(shots, { recursive: true });
  fs.writeFileSync(path.join(shots, `${name}.png`), await driver.takeScreenshot(), "base64");
}

const byText = (tag, text) => By.xpath(`//${tag}[contains(normalize-space(.), "${text}")]`);
async function click(locator) {
  // React re-renders can replace the element between finding and clicking:
  // find it again rather than fail.
  for (let attempt = 0; ; attempt++) {
    try {
      const el = await driver.wait(until.elementLocated(locator), 15000);
      await driver.wait(until.elementIsEnabled(el), 15000);
      await el.click();
      return;
    } catch (e) {
      if (e.name !== "StaleElementReferenceError" || attempt >= 5) throw e;
      await driver.sleep(200);
    }
  }
}
async function textOf(locator) {
  for (let attempt = 0; ; attempt++) {
    try {
      const el = await driver.wait(until.elementLocated(locator), 20000);
      return await el.getText();
    } catch (e) {
      if (e.name !== "StaleElementReferenceError" || attempt >= 5) throw e;
      await driver.sleep(200);
    }
  }
}
async function waitText(locator, want) {
  await driver.wait(async () => (await textOf(locator)).includes(want), 30000, `waiting for "${want}"`);
}
async function type(label, value) {
  const el = await driver.wait(until.elementLocated(By.css(`[aria-label="${label}"]`)), 15000);
  await el.clear();
  await el.sendKeys(value);
}
async function choose(label, value) {
  await click(By.css(`[aria-label="${label}"] option[value="${value}"]`));
}
async function nav(screen) {
  await click(By.css(`nav button[data-screen="${screen}"]`));
}

before(async () => {
  assert.ok(fs.existsSync(app), `build the app first: cargo build -p sla-ledger-app (${app})`);
  // Its own process group, and no inherited stdio: the app it starts must
  // never outlive the test or hold the test runner's output open.
  tauriDriver = spawn("tauri-driver", [], { detached: true, stdio: "ignore", env: { ...process.env, SLA_LEDGER_LIBRARY: library, SLA_LEDGER_NOW: "2026-11-27T10:00:00Z", SLA_LEDGER_ACTOR: "e2e" } });
  // tauri-driver listens on 4444 before WebKitWebDriver is up on 4445.
  await waitForPort(4444, 20000);
  await waitForPort(4445, 20000).catch(() => {});
  driver = await new Builder().usingServer("http://127.0.0.1:4444/").withCapabilities({ browserName: "wry", "tauri:options": { application: app } }).build();
  await driver.wait(until.elementLocated(By.css("nav")), 30000);
});

after(async () => {
  await driver?.quit().catch(() => {});
  // tauri-driver, WebKitWebDriver and the app: the whole group goes.
  if (tauriDriver?.pid) {
    try {
      process.kill(-tauriDriver.pid, "SIGKILL");
    } catch {
      tauriDriver.kill("SIGKILL");
    }
  }
});

test("a month end from an empty library", async () => {
  try {
    await monthEnd();
  } catch (e) {
    await shot("failure").catch(() => {});
    throw e;
  }
});

async function monthEnd() {
  // Library: empty, then two contracts added.
  await waitText(By.css("main"), "0 contract(s)");
  for (const c of ["spec-s6-full-example", "workbook-xlsx-new-york"]) {
    await type("Terms file path", path.join(fixtures, c, "terms.toml"));
    await click(By.css('[data-action="add-path"]'));
  }
  await waitText(By.css("main"), "2 contract(s)");
  await waitText(By.css('[aria-label="Contracts"]'), "Acme Corp");
  await shot("library");

  // Contract: the readable schedule.
  await click(byText("td", "ACME-2026-001"));
  await waitText(By.css("main"), "Terms, as a schedule");
  assert.match(await textOf(By.css(".schedule")), /compute is available at least 99.95 % of each month/);
  await shot("contract");

  // Import: a workbook, previewed then imported; then the ACME CSVs.
  await nav("import");
  await type("Spreadsheet path", path.join(fixtures, "workbook-xlsx-new-york/events.xlsx"));
  await choose("Contract", "XLSX-NY");
  await click(By.css('[data-action="preview"]'));
  await waitText(By.css(".preview"), "naive times are read in America/New_York");
  assert.match(await textOf(By.css('[aria-label="Preview rows"]')), /2026-10-05T13:00:00Z/);
  await shot("import");
  await click(By.css('[data-action="import"]'));
  await waitText(By.css('[role="status"]'), "Imported events.xlsx");
  for (const [f, kind] of [["outages.csv", "outages"], ["maintenance.csv", "maintenance"], ["incidents.csv", "incidents"]]) {
    await type("Spreadsheet path", path.join(fixtures, "spec-s6-full-example", f));
    await choose("Contract", "ACME-2026-001");
    await choose("Sheet kind", kind);
    await click(By.css('[data-action="preview"]'));
    // Import only once the preview shows this file's rows.
    await waitText(By.css(".preview"), `${f}:${kind}:2`);
    await click(By.css('[data-action="import"]'));
    await waitText(By.css('[role="status"]'), `Imported ${f}`);
  }

  // Month end: run, review, explain, finalize, sign and export.
  await nav("month");
  await type("Period", "2026-10");
  await click(By.css('[data-action="run"]'));
  await waitText(By.css('[role="status"]'), "2 draft statement(s) computed for 2026-10");
  await waitText(By.css('[aria-label="Statements of the month"]'), "USD 1,875.00");
  await click(byText("td", "ACME-2026-001/2026-10/1"));
  await waitText(By.css('[aria-label="Why this number"]'), "uptime 99.627576 % against 99.95 %");
  const why = await textOf(By.css('[aria-label="Why this number"]'));
  assert.match(why, /excluded cause `customer`/);
  assert.match(why, /Uptime = 100 x \(2678400 - 9975\) \/ 2678400 = 99.627576/);
  await shot("month-end");
  await click(By.css('[data-action="finalize"]'));
  await waitText(By.css('[role="status"]'), "2 statement(s) finalized");
  // Signing needs an identity: create it in Settings, then export.
  await nav("settings");
  await type("Organisation name", "Example Hosting Ltd");
  await click(byText("button", "Create signing identity"));
  await waitText(By.css('[role="status"]'), "Signing identity");
  await shot("settings");
  await nav("month");
  await type("Period", "2026-10");
  await click(By.css('[data-action="export"]'));
  await waitText(By.css('[role="status"]'), "2 statement(s) exported and signed");
  const exported = path.join(library, "exports/2026-10");
  for (const f of ["ACME-2026-001_2026-10_1.pdf", "ACME-2026-001_2026-10_1.xlsx", "ACME-2026-001_2026-10_1.manifest.json", "XLSX-NY_2026-10_1.pdf"]) {
    assert.ok(fs.existsSync(path.join(exported, f)), `${f} written`);
  }
  const sig = execFileSync("pdfsig", [path.join(exported, "ACME-2026-001_2026-10_1.pdf")]).toString();
  assert.match(sig, /Signature is Valid/);
  await waitText(By.css('[aria-label="Exported files"]'), "Open PDF");

  // Dashboard, claims, audit.
  await nav("dashboard");
  await waitText(By.css('[aria-label="Compliance heatmap"]'), "ACME-2026-001");
  await choose("Contract for the uptime chart", "ACME-2026-001");
  await waitText(By.css("main"), "Monthly uptime of ACME-2026-001 against its target");
  await shot("dashboard");
  await nav("claims");
  await waitText(By.css('[aria-label="Open claims"]'), "USD 1,875.00");
  await shot("claims");
  await nav("audit");
  await click(By.css('[data-action="verify"]'));
  await waitText(By.css('[role="status"]'), "Audit chain intact");
  await shot("audit");
}
