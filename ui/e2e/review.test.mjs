// The maturity review and the backup in the real app (issue 18): a library
// of two fixture contracts entered two years before "now", the Review
// screen's findings, "Reviewed" clearing one (and the audit log saying
// so), and a backup written from Settings.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { By, until } from "selenium-webdriver";
import { startApp } from "./support.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const app = process.env.SLA_LEDGER_APP ?? path.join(target, "debug/sla-ledger-app");
const cli = path.join(target, "debug/sla-ledger");
const shots = path.join(import.meta.dirname, "screenshots");
const home = fs.mkdtempSync(path.join(os.tmpdir(), "sla-e2e-review-"));
const library = path.join(home, "library");
const backupFile = path.join(home, "ledger.slabackup");
let session;

before(async () => {
  // Entered on 2024-11-27 (a test clock), reviewed "now", two years on.
  const entered = { ...process.env, SLA_LEDGER_NOW: "2024-11-27T10:00:00Z", SLA_LEDGER_ACTOR: "ann" };
  for (const c of ["spec-s6-full-example", "real-gce-whole-minutes"]) {
    execFileSync(cli, ["--library", library, "contracts", "add", path.join(root, "fixtures/cases", c, "terms.toml")], { env: entered });
  }
  session = await startApp(app, {
    SLA_LEDGER_LIBRARY: library,
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CONFIG_HOME: path.join(home, "config"),
    SLA_LEDGER_NOW: "2026-11-27T10:00:00Z",
    SLA_LEDGER_ACTOR: "e2e",
  });
});

after(async () => {
  await session?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

async function textOf(driver, css) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await (await driver.wait(until.elementLocated(By.css(css)), 20000)).getText();
    } catch (e) {
      if (e.name !== "StaleElementReferenceError" || attempt >= 5) throw e;
      await driver.sleep(200);
    }
  }
}

test("the review lists what to fix, Reviewed clears a finding, and Settings writes a backup", async () => {
  const { driver } = session;
  const waitText = (css, want) => driver.wait(async () => (await textOf(driver, css)).includes(want), 30000, `waiting for "${want}"`);
  await (await driver.wait(until.elementLocated(By.css('nav button[data-screen="review"]')), 30000)).click();
  await waitText('[aria-label="Review summary"]', "2 contract(s)");
  const summary = await textOf(driver, '[aria-label="Review summary"]');
  // Both contracts: no document, read two years ago (730 days); the GCE
  // terms name no owner.
  assert.match(summary, /5 finding\(s\)/, summary);
  const table = await textOf(driver, '[aria-label="Review findings"]');
  assert.match(table, /ACME-2026-001[\s\S]*730 days ago/, table);
  assert.match(table, /sla-ledger contracts attach ACME-2026-001 SIGNED\.pdf/, table);
  fs.mkdirSync(shots, { recursive: true });
  fs.writeFileSync(path.join(shots, "review.png"), await driver.takeScreenshot(), "base64");
  await (await driver.findElement(By.css('[data-action="mark-reviewed"]'))).click();
  await waitText('[role="status"]', "marked reviewed by e2e");
  await waitText('[aria-label="Review summary"]', "4 finding(s)");

  await (await driver.findElement(By.css('nav button[data-screen="settings"]'))).click();
  const input = await driver.wait(until.elementLocated(By.css('[aria-label="Backup file"]')), 20000);
  await input.sendKeys(backupFile);
  await (await driver.findElement(By.css('[data-action="backup-library"]'))).click();
  await waitText('[role="status"]', "Backed up to");
  assert.ok(fs.statSync(backupFile).size > 4096, "the archive is written");
  // What the CLI restores from it is the library, review included.
  const restored = path.join(home, "restored");
  const out = execFileSync(cli, ["library", "restore", backupFile, restored]).toString();
  assert.match(out, /audit entries verify/, out);
});
