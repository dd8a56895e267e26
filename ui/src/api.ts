// The one module that talks to the Rust side. Every command the app uses is
// wrapped here, typed with the types generated from Rust (src/bindings), and
// every failure is an ErrorData {code, message, details} whose code (E-...)
// the screens can switch on (docs/errors.md lists them).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ErrorData } from "./bindings/ErrorData";
import type { LibraryInfo } from "./bindings/LibraryInfo";
import type { ContractSummary } from "./bindings/ContractSummary";
import type { ContractDetail } from "./bindings/ContractDetail";
import type { ImportPreview } from "./bindings/ImportPreview";
import type { ImportOutcome } from "./bindings/ImportOutcome";
import type { Progress } from "./bindings/Progress";
import type { RunOutcome } from "./bindings/RunOutcome";
import type { StatementInfo } from "./bindings/StatementInfo";
import type { Statement } from "./bindings/Statement";
import type { ExportReport } from "./bindings/ExportReport";
import type { IdentitySet } from "./bindings/IdentitySet";
import type { ClaimInfo } from "./bindings/ClaimInfo";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditReport } from "./bindings/AuditReport";
import type { VerifyReport } from "./bindings/VerifyReport";
import type { Dashboard } from "./bindings/Dashboard";
import type { BatchProgress } from "./bindings/BatchProgress";
import type { ContractQuery } from "./bindings/ContractQuery";
import type { Settings } from "./bindings/Settings";
import type { TermsDraft } from "./bindings/TermsDraft";
import type { FieldEdit } from "./bindings/FieldEdit";
import type { TermsCheck } from "./bindings/TermsCheck";
import type { FileView } from "./bindings/FileView";
import type { SheetChoice } from "./bindings/SheetChoice";
import type { SloStatus } from "./bindings/SloStatus";
import type { DiligenceRequest } from "./bindings/DiligenceRequest";
import type { DiligenceReport } from "./bindings/DiligenceReport";
import type { ReviewReport } from "./bindings/ReviewReport";
import type { ReviewRecord } from "./bindings/ReviewRecord";
import type { BackupReport } from "./bindings/BackupReport";
import type { SourcesReport } from "./bindings/SourcesReport";
import type { Suggestion } from "./bindings/Suggestion";
import type { LinkView } from "./bindings/LinkView";
import type { ReportFiles } from "./bindings/ReportFiles";
import type { CoverageOutput } from "./bindings/CoverageOutput";
import type { NoticeFiles } from "./bindings/NoticeFiles";
import type { TwoMethods } from "./bindings/TwoMethods";
import type { NoticeTemplates } from "./bindings/NoticeTemplates";
import type { Withdrawal } from "./bindings/Withdrawal";
import type { FirstRun } from "./bindings/FirstRun";
import type { PresetRequest } from "./bindings/PresetRequest";
import type { PresetView } from "./bindings/PresetView";

export type { ErrorData };

export function isErrorData(e: unknown): e is ErrorData {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** A readable message for anything a command threw. */
export function messageOf(e: unknown): string {
  return isErrorData(e) ? e.message : String(e);
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw isErrorData(e) ? e : ({ code: "E-INTERNAL", message: String(e), details: [] } satisfies ErrorData);
  }
}

export const api = {
  libraryInfo: () => call<LibraryInfo>("library_info"),
  listContracts: (query: Partial<ContractQuery> = {}) =>
    call<ContractSummary[]>("list_contracts", { query: { search: query.search || null, direction: query.direction || null, counterparty: query.counterparty || null, status: query.status || null } }),
  addContract: (path: string) => call<string>("add_contract", { path }),
  contractDetail: (id: string) => call<ContractDetail>("contract_detail", { id }),
  diffVersions: (id: string, a: number, b: number) => call<string>("diff_versions", { id, a, b }),
  inspectFile: (path: string) => call<FileView>("inspect_file", { path }),
  importPreview: (path: string, contract?: string, kind?: string, mapping?: SheetChoice[], preset?: PresetRequest) =>
    call<ImportPreview>("import_preview", { path, contract: contract || null, kind: kind || null, mapping: mapping ?? null, preset: preset ?? null }),
  importFile: (path: string, source: string, contract?: string, kind?: string, mapping?: SheetChoice[], preset?: PresetRequest) =>
    call<ImportOutcome>("import_file", { path, source, contract: contract || null, kind: kind || null, mapping: mapping ?? null, preset: preset ?? null }),
  listPresets: () => call<PresetView[]>("list_presets"),
  detectPreset: (path: string) => call<PresetView | null>("detect_preset", { path }),
  cancelImport: () => call<void>("cancel_import"),
  onImportProgress: (f: (p: Progress) => void): Promise<UnlistenFn> => listen<Progress>("import-progress", (e) => f(e.payload)),
  runMonth: (period: string) => call<RunOutcome[]>("run_month", { period }),
  cancelBatch: () => call<void>("cancel_batch"),
  onBatchProgress: (f: (p: BatchProgress) => void): Promise<UnlistenFn> => listen<BatchProgress>("batch-progress", (e) => f(e.payload)),
  statements: (period?: string) => call<StatementInfo[]>("statements", { period: period || null }),
  statement: (key: string) => call<Statement>("statement", { key }),
  finalizeMonth: (period: string) => call<StatementInfo[]>("finalize_month", { period }),
  discardDraft: (number: string) => call<StatementInfo>("discard_draft", { number }),
  withdrawImport: (importId: number, reason: string) => call<Withdrawal>("withdraw_import", { import: importId, reason }),
  exportMonth: (period: string, out?: string) => call<ExportReport>("export_month", { period, out: out || null }),
  claims: () => call<ClaimInfo[]>("claims"),
  audit: () => call<AuditEntry[]>("audit"),
  auditVerify: () => call<AuditReport>("audit_verify"),
  verifyFiles: (files: string[], trust: string[]) => call<VerifyReport>("verify_files", { files, trust }),
  dashboard: () => call<Dashboard>("dashboard"),
  createIdentity: (organisation: string) => call<IdentitySet>("create_identity", { organisation }),
  settings: () => call<Settings>("settings"),
  saveSettings: (settings: Settings) => call<Settings>("save_settings", { settings }),
  switchLibrary: (path: string) => call<LibraryInfo>("switch_library", { path }),
  firstRun: () => call<FirstRun>("first_run"),
  createLibrary: (path: string, passphrase: string | null) => call<LibraryInfo>("create_library", { path, passphrase }),
  unlockLibrary: (passphrase: string, remember: boolean) => call<void>("unlock_library", { passphrase, remember }),
  openSample: () => call<LibraryInfo>("open_sample"),
  sloStatus: () => call<SloStatus>("slo_status"),
  sloImport: (path: string) => call<[string, number, boolean][]>("slo_import", { path }),
  sloPolicy: (path: string) => call<number>("slo_policy", { path }),
  sloException: (slo: string, start: string, end: string, reason: string, approver: string) => call<number>("slo_exception", { slo, start, end, reason, approver }),
  sloExport: (path: string) => call<string>("slo_export", { path }),
  requestsImport: (path: string, timezone: string, source: string) => call<number | null>("requests_import", { path, timezone, source }),
  diligence: (request: DiligenceRequest) => call<DiligenceReport>("diligence", { request }),
  exportDiligence: (request: DiligenceRequest, out?: string) => call<ReportFiles>("export_diligence", { request, out: out || null }),
  reviewReport: (intervalDays: number) => call<ReviewReport>("review_report", { intervalDays }),
  reviewMark: (kind: string, subject: string, note: string) => call<ReviewRecord>("review_mark", { kind, subject, note }),
  libraryBackup: (out: string) => call<BackupReport>("library_backup", { out }),
  clauseSources: (id: string) => call<SourcesReport>("clause_sources", { id }),
  clauseSuggest: (id: string) => call<Suggestion[]>("clause_suggest", { id }),
  clauseLink: (id: string, requests: { key: string; page: number; quote: string; document: string | null }[]) => call<LinkView[]>("clause_link", { id, requests }),
  exportExecutive: (until: string, months: number, out?: string) => call<ReportFiles>("export_executive", { until, months, out: out || null }),
  coverage: (map: string, until: string, months: number) => call<CoverageOutput>("coverage", { map, until, months }),
  breachNotices: (period: string, out?: string) => call<NoticeFiles[]>("breach_notices", { period, out: out || null }),
  twoMethods: (contract: string, sla: string, period: string) => call<TwoMethods>("two_methods", { contract, sla, period }),
  noticeTemplates: () => call<NoticeTemplates>("notice_templates"),
  saveNoticeTemplates: (templates: NoticeTemplates) => call<void>("save_notice_templates", { templates }),
  termsForm: (id: string) => call<TermsDraft>("terms_form", { id }),
  termsListEdit: (toml: string, path: string, remove: number | null) => call<TermsDraft>("terms_list_edit", { toml, path, remove }),
  checkTerms: (toml: string, edits: FieldEdit[]) => call<TermsCheck>("check_terms", { toml, edits }),
  amendTerms: (id: string, amendment: { toml: string; edits: FieldEdit[]; from: string; to: string | null; reason: string }) =>
    call<number>("amend_terms", { id, amendment: { ...amendment, to: amendment.to || null } }),
};
