// Linking a term to its clause from the terms form (issue 18): ACME's
// Schedule B attached, the form offers "Link clause…" beside each term
// without a source, the clause form below takes the key, the quote is
// checked on its page, and the form then shows where the contract says it.
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
const home = fs.mkdtempSync(path.join(os.tmpdir(), "sla-e2e-clauses-"));
const library = path.join(home, "library");
let session;

before(async () => {
  const env = { ...process.env, SLA_LEDGER_NOW: "2026-11-27T10:00:00Z", SLA_LEDGER_ACTOR: "ann" };
  delete env.SLA_LEDGER_ENCRYPT_NEW;
  execFileSync(cli, ["--library", library, "contracts", "add", path.join(root, "fixtures/cases/spec-s6-full-example/terms.toml")], { env });
  execFileSync(cli, ["--library", library, "contracts", "attach", "ACME-2026-001", path.join(root, "fixtures/documents/ACME-2026-001/schedule-b.pdf")], { env });
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

test("a term is linked to its clause from the terms form", async () => {
  const { driver } = session;
  const again = async (f) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        if (e.name !== "StaleElementReferenceError" || attempt >= 10) throw e;
        await driver.sleep(200);
      }
    }
  };
  const find = (by) => driver.wait(until.elementLocated(by), 30000);
  const text = (css) => again(async () => (await find(By.css(css))).getText());
  const click = (by) => again(async () => (await find(by)).click());
  const waitText = (css, want) => driver.wait(async () => (await text(css)).includes(want), 30000, `waiting for "${want}"`);
  await waitText("main", "1 contract(s)");
  await click(By.xpath("//td[normalize-space()='ACME-2026-001']"));
  await waitText("main", "Where the contract says so");
  await waitText('[aria-label="Clauses"]', "0 of 42");
  await click(By.css('[data-action="edit-terms"]'));
  await click(By.css('[data-action="link-clause"][data-key="slas[0].target"]'));
  // The clause form below now holds the key, and the quote field has focus.
  await driver.wait(async () => (await (await find(By.css('[aria-label="Term key"]'))).getAttribute("value")) === "slas[0].target", 10000);
  const active = await driver.switchTo().activeElement();
  assert.equal(await active.getAttribute("aria-label"), "Quote");
  // A quote that is not on the page is refused, with the page named.
  await active.sendKeys("available 99.99% of each calendar month");
  await click(By.css('[data-action="link-term"]'));
  await waitText('[aria-label="Clauses"] [role="status"]', "page 1");
  const quote = await find(By.css('[aria-label="Quote"]'));
  await quote.clear();
  await quote.sendKeys("The Compute Platform will be available 99.95% of each calendar month.");
  await click(By.css('[data-action="link-term"]'));
  await waitText('[aria-label="Clauses"] [role="status"]', "Linked slas[0].target");
  await waitText('[aria-label="Clauses"]', "1 of 42");
  // The terms form shows the source beside the field.
  await waitText('[data-clause="slas[0].target"]', "schedule-b.pdf, p. 1");
  const link = await find(By.css('[data-clause="slas[0].target"]'));
  await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", link);
  fs.mkdirSync(shots, { recursive: true });
  fs.writeFileSync(path.join(shots, "terms-form-clause.png"), await driver.takeScreenshot(), "base64");
  const audit = execFileSync(cli, ["--library", library, "audit", "list"], { env: { ...process.env, SLA_LEDGER_NOW: "2026-11-27T10:00:00Z" } }).toString();
  // Recorded in the audit chain, by the app's actor.
  assert.match(audit, /e2e\s+contract\.link\s+ACME-2026-001/, audit);
});
