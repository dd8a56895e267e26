// The first run (issue 16), shared by the build tree's e2e and the check
// of the installed package: with no library chosen and none on disk, the
// welcome screen offers to create, open or explore; the sample library is
// built, opened, and says it is a sample on every screen.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { By, until } from "selenium-webdriver";

export async function firstRun(driver, { shots, dataHome }) {
  const shot = async (name) => {
    await driver.sleep(600);
    fs.mkdirSync(shots, { recursive: true });
    fs.writeFileSync(path.join(shots, `${name}.png`), await driver.takeScreenshot(), "base64");
  };
  // React re-renders replace elements between finding and reading them, and
  // the webview may still be loading (or reloading after a choice) when a
  // script runs: WebKitWebDriver then reports NoSuchFrameError ("Callback
  // was not called before the unload event"), which failed CI once. Find
  // again rather than fail on either.
  const transient = (e) =>
    e.name === "StaleElementReferenceError" || e.name === "NoSuchFrameError" || /unload/i.test(e.message ?? "");
  const again = async (f) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        if (!transient(e) || attempt >= 20) throw e;
        await driver.sleep(250);
      }
    }
  };
  const text = (css) => again(async () => (await driver.wait(until.elementLocated(By.css(css)), 30000)).getText());
  const click = (css) => again(async () => (await driver.wait(until.elementLocated(By.css(css)), 30000)).click());
  const waitText = (css, want) => driver.wait(async () => (await text(css)).includes(want), 60000, `waiting for "${want}"`);
  await waitText("main", "Welcome to SLA Ledger");
  assert.match(await text("main"), /Start a new library[\s\S]*Open a library[\s\S]*Explore a sample/);
  // Nothing was created behind the user's back.
  assert.ok(!fs.existsSync(path.join(dataHome, "sla-ledger", "library.sqlite3")), "no library before a choice");
  await shot("first-run-welcome");
  await click('[data-action="open-sample"]');
  await waitText("main", "Sample library: for exploring, not real data");
  await waitText("main", "3 contract(s)");
  assert.ok(fs.existsSync(path.join(dataHome, "sla-ledger-sample", "library.sqlite3")), "the sample is its own library");
  await shot("sample-library");
  // Its month end is done: final statements, marked on every screen.
  await click('nav button[data-screen="month"]');
  await again(async () => {
    const period = await driver.wait(until.elementLocated(By.css('[aria-label="Period"]')), 10000);
    await driver.executeScript("arguments[0].select()", period);
    await period.sendKeys("2026-10");
  });
  await waitText('[aria-label="Statements of the month"]', "ACME-2026-001/2026-10/1");
  assert.match(await text('[aria-label="Statements of the month"]'), /FINAL/);
  await waitText("main", "Sample library");
}
