// The invoke wrapper with the IPC mocked: arguments reach the right command,
// results come back typed, and failures become {code, message}.
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api, isErrorData, messageOf } from "./api";
import { money, previousMonth, directionLabel, firstOfNextMonth } from "./format";

afterEach(() => clearMocks());

describe("api", () => {
  it("passes arguments by name and returns the command's result", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "run_month") return [{ contract: "ACME-2026-001", statement: null, problem: "statement ACME-2026-001/2026-10/1 is final" }];
      if (cmd === "list_contracts") return [{ id: "ACME-2026-001", counterparty: "Acme Corp" }];
    });
    const out = await api.runMonth("2026-10");
    expect(out[0].problem).toContain("is final");
    const list = await api.listContracts({ search: "acme", direction: "customer" });
    expect(list[0].counterparty).toBe("Acme Corp");
    expect(seen[0]).toEqual(["run_month", { period: "2026-10" }]);
    expect(seen[1]).toEqual(["list_contracts", { query: { search: "acme", direction: "customer", counterparty: null, status: null } }]);
  });

  it("turns a rejected command into ErrorData the screens can switch on", async () => {
    mockIPC(() => {
      throw { code: "E-BUSY", message: "the library at /x is busy: another SLA Ledger is writing to it; try again in a moment", details: [] };
    });
    const err = await api.finalizeMonth("2026-10").catch((e) => e);
    expect(isErrorData(err)).toBe(true);
    expect(err.code).toBe("E-BUSY");
    expect(messageOf(err)).toContain("is busy");
  });

  it("wraps any other failure as internal", async () => {
    mockIPC(() => {
      throw "boom";
    });
    const err = await api.claims().catch((e) => e);
    expect(err).toEqual({ code: "E-INTERNAL", message: "boom", details: [] });
  });
});

describe("api for the terms form and the column mapping", () => {
  it("sends edits, dates and the sheet mapping as the commands expect", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "check_terms") return { toml: "", problems: [{ path: "credit.claim_window_days", message: "must be a whole number, not `x`" }] };
      if (cmd === "amend_terms") return 2;
      if (cmd === "import_preview") return { contract: "A", errors: [] };
    });
    const check = await api.checkTerms("T", [{ path: "credit.claim_window_days", value: "x" }]);
    expect(check.problems[0].path).toBe("credit.claim_window_days");
    expect(await api.amendTerms("A", { toml: "T", edits: [{ path: "slas[0].target", value: "99.9" }], from: "2027-01-01", to: "", reason: "Amendment 2" })).toBe(2);
    const mapping = [{ sheet: "export", kind: "outages", columns: [{ column: "end", header: "Back up at" }] }];
    await api.importPreview("/x.csv", "A", undefined, mapping);
    expect(seen[0]).toEqual(["check_terms", { toml: "T", edits: [{ path: "credit.claim_window_days", value: "x" }] }]);
    expect(seen[1]).toEqual(["amend_terms", { id: "A", amendment: { toml: "T", edits: [{ path: "slas[0].target", value: "99.9" }], from: "2027-01-01", to: null, reason: "Amendment 2" } }]);
    expect(seen[2]).toEqual(["import_preview", { path: "/x.csv", contract: "A", kind: null, mapping, preset: null }]);
  });
});

describe("format", () => {
  it("pads and groups amounts without re-rounding", () => {
    expect(money("1875")).toBe("1,875.00");
    expect(money("173.61111111111111111111")).toBe("173.61111111111111111111");
    expect(money("3000", 0)).toBe("3,000");
    expect(money("-1250.5")).toBe("-1,250.50");
  });
  it("knows the previous month across a year end", () => {
    expect(previousMonth(new Date(Date.UTC(2027, 0, 15)))).toBe("2026-12");
  });
  it("starts an amendment on the first of next month, across a year end", () => {
    expect(firstOfNextMonth(new Date(Date.UTC(2026, 11, 27)))).toBe("2027-01-01");
    expect(firstOfNextMonth(new Date(Date.UTC(2026, 10, 27)))).toBe("2026-12-01");
  });
  it("says who owes whom", () => {
    expect(directionLabel("vendor")).toBe("owed to us");
    expect(directionLabel("customer")).toBe("owed by us");
  });
});

describe("locale (issue 16)", () => {
  it("writes exact amounts in each locale, never through a float", async () => {
    const { amount, number, pickLocale } = await import("./format");
    expect(amount("USD", "1875", "en-US")).toBe("USD 1,875.00");
    expect(amount("USD", "1875", "de-DE")).toBe("1.875,00\u00a0USD");
    expect(number("1234567.125", 2, "de-DE")).toBe("1.234.567,125");
    expect(number("173.61111111111111111111", 2, "en-GB")).toBe("173.61111111111111111111");
    expect(pickLocale("", "de-AT")).toBe("de-DE");
    expect(pickLocale("fr-FR", "en-US")).toBe("fr-FR");
    expect(pickLocale(null, "ja-JP")).toBe("en-US");
  });
  it("shows instants in the contract's zone on both sides of a DST change", async () => {
    const { when } = await import("./format");
    expect(when("2026-10-25T00:30:00Z", "Europe/London", "en-GB")).toBe("25 Oct 2026, 01:30 BST");
    expect(when("2026-10-25T01:30:00Z", "Europe/London", "en-GB")).toBe("25 Oct 2026, 01:30 GMT");
    expect(when("2026-03-08T07:30:00Z", "America/New_York", "en-US")).toBe("Mar 8, 2026, 03:30 EDT");
    expect(when("", "UTC")).toBe("");
  });
});

describe("issue 18 commands", () => {
  it("passes the review interval, clause links and the backup file by the names the commands take", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "clause_link") return [{ key: "slas[0].target", value: "99.95", document: "schedule-b.pdf", sha256: "ab", page: 1, quote: "q", linked_in: 1, linked_by: "ann" }];
      if (cmd === "review_report") return { as_of: "2026-12-03", interval_days: 90, contracts: 1, objectives: 0, findings: [] };
    });
    const r = await api.reviewReport(90);
    expect(r.interval_days).toBe(90);
    const made = await api.clauseLink("ACME-2026-001", [{ key: "slas[0].target", page: 1, quote: "q", document: null }]);
    expect(made[0].page).toBe(1);
    await api.libraryBackup("/tmp/x.slabackup");
    expect(seen).toEqual([
      ["review_report", { intervalDays: 90 }],
      ["clause_link", { id: "ACME-2026-001", requests: [{ key: "slas[0].target", page: 1, quote: "q", document: null }] }],
      ["library_backup", { out: "/tmp/x.slabackup" }],
    ]);
  });
});

describe("issue 18: encrypted libraries", () => {
  it("creates with or without a passphrase and reports a wrong one by its code", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "create_library") return { path: "/x", sample: false };
      if (cmd === "unlock_library") throw { code: "E-PASSPHRASE", message: "the passphrase does not unlock the encrypted library at /x; nothing was changed", details: [] };
    });
    await api.createLibrary("/x", "a long passphrase");
    await api.createLibrary("/y", null);
    const e = await api.unlockLibrary("wrong", true).catch((x) => x);
    expect(e.code).toBe("E-PASSPHRASE");
    expect(seen).toEqual([
      ["create_library", { path: "/x", passphrase: "a long passphrase" }],
      ["create_library", { path: "/y", passphrase: null }],
      ["unlock_library", { passphrase: "wrong", remember: true }],
    ]);
  });
});
