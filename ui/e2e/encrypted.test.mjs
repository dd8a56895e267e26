// An encrypted library in the real app (issue 18): the first run creates
// one (the "Encrypt it" choice, the passphrase twice); started again, the
// app asks for the passphrase before anything else, says so when it is
// wrong, and opens the library with the right one.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { By, until } from "selenium-webdriver";
import { startApp } from "./support.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const app = process.env.SLA_LEDGER_APP ?? path.join(target, "debug/sla-ledger-app");
const shots = path.join(import.meta.dirname, "screenshots");
const home = fs.mkdtempSync(path.join(os.tmpdir(), "sla-e2e-sealed-"));
const library = path.join(home, "data-room");
const env = {
  XDG_DATA_HOME: path.join(home, "data"),
  XDG_CONFIG_HOME: path.join(home, "config"),
  SLA_LEDGER_NOW: "2026-11-27T10:00:00Z",
  SLA_LEDGER_ACTOR: "e2e",
};
let session;

after(async () => {
  await session?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

function helpers(driver) {
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
  const find = (css) => driver.wait(until.elementLocated(By.css(css)), 30000);
  const text = (css) => again(async () => (await find(css)).getText());
  const click = (css) => again(async () => (await find(css)).click());
  const type = (css, value) => again(async () => { const e = await find(css); await e.clear(); await e.sendKeys(value); });
  const waitText = (css, want) => driver.wait(async () => (await text(css)).includes(want), 60000, `waiting for "${want}"`);
  const shot = async (name) => {
    await driver.sleep(600);
    fs.mkdirSync(shots, { recursive: true });
    fs.writeFileSync(path.join(shots, `${name}.png`), await driver.takeScreenshot(), "base64");
  };
  return { again, find, text, click, type, waitText, shot };
}

test("a library created encrypted asks for its passphrase when the app starts again", async () => {
  delete process.env.SLA_LEDGER_LIBRARY;
  delete process.env.SLA_LEDGER_PASSPHRASE;
  session = await startApp(app, env);
  let h = helpers(session.driver);
  await h.waitText("main", "Welcome to SLA Ledger");
  await h.type('[aria-label="Library folder"]', library);
  await h.click('[data-field="encrypt"]');
  await h.type('[data-field="passphrase"]', "data room passphrase");
  await h.type('[data-field="passphrase-again"]', "data room passphrase!");
  await h.waitText("main", "the two passphrases differ");
  assert.equal(await h.again(async () => (await h.find('[data-action="create-library"]')).isEnabled()), false);
  await h.type('[data-field="passphrase-again"]', "data room passphrase");
  await h.waitText("main", "Keep it safe");
  await h.shot("encrypted-create");
  await h.click('[data-action="create-library"]');
  await h.waitText("nav", "Library");
  assert.ok(fs.existsSync(path.join(library, "library.key")), "the library is encrypted");
  const db = fs.readFileSync(path.join(library, "library.sqlite3"));
  assert.notEqual(db.subarray(0, 15).toString("latin1"), "SQLite format 3", "no plain SQLite header");
  await session.stop();
  session = null;

  // Started again: the library is remembered, and locked.
  session = await startApp(app, env);
  h = helpers(session.driver);
  await h.waitText("main", "This library is encrypted");
  await h.type('[data-field="unlock-passphrase"]', "not it");
  await h.click('[data-action="unlock"]');
  await h.waitText('[role="alert"]', "does not unlock this library");
  await h.shot("encrypted-unlock");
  await h.type('[data-field="unlock-passphrase"]', "data room passphrase");
  await h.click('[data-action="unlock"]');
  await h.waitText("nav", "Library");
  await h.waitText("main", "0 contract(s)");
});
