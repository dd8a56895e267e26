// Issue 15's "the app stays responsive during a 1M-row import", tried in
// the real app (not part of the CI run: it takes minutes). Run:
//   B=$CARGO_TARGET_DIR/debug/sla-ledger; $B bench inputs --rows 1000000 --out /tmp/big
//   xvfb-run -a -s "-screen 0 1400x900x24" node ui/e2e/manual/import-1m.mjs /tmp/big
// It previews the file, starts the import, cancels it while the file is
// read, imports it whole while switching screens, and prints what it saw
// with times; screenshots go to ui/e2e/screenshots/import-1m-*.png.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { By, until } from "selenium-webdriver";
import { startApp } from "../support.mjs";

const root = path.resolve(import.meta.dirname, "../../..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const app = path.join(target, "debug/sla-ledger-app");
const cli = path.join(target, "debug/sla-ledger");
const inputs = process.argv[2] ?? "/tmp/big";
const format = process.argv[3] ?? "csv";
const csv = fs.readdirSync(inputs).find((f) => new RegExp(`^outages-\\d+\\.${format}$`).test(f));
const shots = path.join(root, "ui/e2e/screenshots");
const home = fs.mkdtempSync(path.join(os.tmpdir(), "sla-import-1m-"));
const library = path.join(home, "library");
const env = { ...process.env, SLA_LEDGER_NOW: "2026-11-27T10:00:00Z", SLA_LEDGER_ACTOR: "ann" };
delete env.SLA_LEDGER_ENCRYPT_NEW;
execFileSync(cli, ["--library", library, "contracts", "add", path.join(inputs, "terms-1.toml")], { env });
const session = await startApp(app, { SLA_LEDGER_LIBRARY: library, XDG_DATA_HOME: path.join(home, "data"), XDG_CONFIG_HOME: path.join(home, "config"), SLA_LEDGER_NOW: "2026-11-27T10:00:00Z", SLA_LEDGER_ACTOR: "e2e" });
const { driver } = session;
const t0 = Date.now();
const log = (m) => console.log(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${m}`);
const find = (css) => driver.wait(until.elementLocated(By.css(css)), 600000);
const textOf = async (css) => { try { return await (await driver.findElement(By.css(css))).getText(); } catch { return ""; } };
const shot = async (name) => {
  await driver.executeScript("document.querySelector('.progress')?.scrollIntoView({ block: 'center' })");
  return shot0(name);
};
const shot0 = async (name) => fs.writeFileSync(path.join(shots, `import-1m-${format}-${name}.png`), await driver.takeScreenshot(), "base64");
const setPath = async () => {
  const el = await find('[aria-label="Spreadsheet path"]');
  await el.clear();
  await el.sendKeys(path.join(inputs, csv));
  const sel = await find('[aria-label="Contract"]');
  await driver.executeScript(`const s = arguments[0]; const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set; set.call(s, "BENCH"); s.dispatchEvent(new Event("change", { bubbles: true }));`, sel);
};
try {
  await (await find('nav button[data-screen="import"]')).click();
  await setPath();
  // Polls the progress bar and the status line, logging each new text,
  // until `done(progress, status)`; returns the texts seen.
  const watch = async (done, ms, onNew = async () => {}) => {
    const seen = [];
    let last = "";
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const p = await textOf(".progress");
      const st = await textOf('[role="status"]');
      const now = `${p} | ${st}`;
      if (now !== last) {
        log(`progress: ${p || "-"}   status: ${st || "-"}`);
        seen.push(now);
        last = now;
        await onNew(p, st);
      }
      if (done(p, st)) return seen;
      await driver.sleep(150);
    }
    throw new Error("timed out");
  };
  log(`previewing ${csv}`);
  await (await find('[data-action="preview"]')).click();
  // 0. The preview reads the file with its progress line (issue 15).
  await watch((p) => /Reading the file: [1-9]/.test(p), 600000);
  await shot("previewing");
  await find('[data-action="import"]');
  log(`preview: ${(await textOf(".preview p")).slice(0, 160)}`);
  // 1. Cancel while the file is read.
  await (await find('[data-action="import"]')).click();
  await watch((p) => /Reading the file: [1-9]/.test(p), 600000);
  await shot("reading");
  await (await driver.findElement(By.xpath("//button[normalize-space()='Cancel']"))).click();
  await watch((p, st) => st.length > 0 && !p, 600000);
  // 2. The whole import, switching screens meanwhile.
  await (await find('[data-action="import"]')).click();
  const started = Date.now();
  let shotTaken = false;
  await watch((p) => /rows stored/.test(p), 600000);
  const away = Date.now();
  await (await find('nav button[data-screen="audit"]')).click();
  await find("main h1");
  log(`switched to Audit while importing in ${Date.now() - away} ms`);
  await (await find('nav button[data-screen="import"]')).click();
  log("back on Import");
  await watch((p, st) => /Imported|rows/.test(st) && !p, 1800000, async (p) => {
    if (!shotTaken && /rows stored/.test(p)) {
      shotTaken = true;
      await shot("storing");
    }
  });
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const audit = execFileSync(cli, ["--library", library, "audit", "list"], { env }).toString();
  log(audit.split("\n").slice(0, 4).join("\n"));
} finally {
  await session.stop();
  fs.rmSync(home, { recursive: true, force: true });
}
