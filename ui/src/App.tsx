import { useEffect, useState } from "react";
import { LibraryPage } from "./pages/Library";
import { ContractPage } from "./pages/Contract";
import { ImportPage } from "./pages/Import";
import { MonthEndPage } from "./pages/MonthEnd";
import { DashboardPage } from "./pages/Dashboard";
import { ClaimsPage } from "./pages/Claims";
import { AuditPage } from "./pages/Audit";
import { SettingsPage } from "./pages/Settings";
import { ObjectivesPage } from "./pages/Objectives";
import { CoveragePage } from "./pages/Coverage";
import { DiligencePage } from "./pages/Diligence";
import { ReviewPage } from "./pages/Review";
import { GlossaryPage } from "./pages/Glossary";
import { WelcomePage } from "./pages/Welcome";
import { UnlockPage } from "./pages/Unlock";
import type { FirstRun } from "./bindings/FirstRun";
import { LocaleContext } from "./components/LocaleContext";
import { pickLocale, type Loc } from "./format";
import { api } from "./api";

export type Screen = "library" | "import" | "month" | "dashboard" | "claims" | "objectives" | "coverage" | "diligence" | "review" | "audit" | "settings" | "contract" | "glossary";

const NAV: [Screen, string][] = [
  ["library", "Library"],
  ["import", "Import"],
  ["month", "Month end"],
  ["dashboard", "Dashboard"],
  ["claims", "Claims"],
  ["objectives", "Objectives"],
  ["coverage", "Coverage"],
  ["diligence", "Due diligence"],
  ["review", "Review"],
  ["audit", "Audit"],
  ["settings", "Settings"],
];

export function App() {
  const [screen, setScreen] = useState<Screen>("library");
  const [contract, setContract] = useState<string | null>(null);
  // Numbers and dates: the library's setting, else the system's (issue 16).
  const [locale, setLocale] = useState<Loc>(pickLocale(null));
  // The first run is asked before anything opens (and so creates) a library.
  const [first, setFirst] = useState<FirstRun | null>(null);
  const [sample, setSample] = useState(false);
  useEffect(() => {
    api.firstRun().then(setFirst, () => setFirst({ first_run: false, suggested: "", locked: false }));
  }, []);
  useEffect(() => {
    if (!first || first.first_run || first.locked) return;
    api.settings().then((s) => setLocale(pickLocale(s.locale)), () => {});
    api.libraryInfo().then((i) => setSample(i.sample), () => {});
  }, [first]);
  const [theme, setTheme] = useState<string>(() => localStorage.getItem("theme") ?? (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"));
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem("theme", theme);
  }, [theme]);
  // Keyboard: Alt+1..7 switch screens.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Alt+1..9, and Alt+0 for the tenth screen.
      if (e.key === "F1") {
        // F1: the glossary, from any screen.
        setScreen("glossary");
        e.preventDefault();
        return;
      }
      const n = e.key === "0" ? 10 : Number(e.key);
      if (e.altKey && n >= 1 && n <= Math.min(NAV.length, 10)) {
        setScreen(NAV[n - 1][0]);
        e.preventDefault();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);
  // Opens the glossary at one entry (the "?" next to a statement figure).
  const help = (id: string) => {
    setScreen("glossary");
    setTimeout(() => document.getElementById(`glossary-${id}`)?.scrollIntoView(), 0);
  };
  const open = (id: string) => {
    setContract(id);
    setScreen("contract");
  };
  if (!first) return null;
  if (first.locked) {
    return (
      <main className="first-run">
        <UnlockPage path={first.suggested} onUnlocked={() => window.location.reload()} />
      </main>
    );
  }
  if (first.first_run) {
    return (
      <main className="first-run">
        <WelcomePage suggested={first.suggested} onOpened={() => window.location.reload()} />
      </main>
    );
  }
  return (
    <LocaleContext.Provider value={locale}>
    <div className="app" lang={locale}>
      <nav aria-label="Screens">
        <div className="brand">SLA Ledger</div>
        {NAV.map(([s, label], i) => (
          <button key={s} className={screen === s ? "active" : ""} onClick={() => setScreen(s)} title={i < 10 ? `Alt+${(i + 1) % 10}` : undefined} data-screen={s}>
            {label}
          </button>
        ))}
        <button className={screen === "glossary" ? "active glossary-nav" : "glossary-nav"} onClick={() => setScreen("glossary")} title="F1" data-screen="glossary">
          Glossary
        </button>
        <button className="theme" onClick={() => setTheme(theme === "dark" ? "light" : "dark")} aria-label="Switch light or dark theme">
          {theme === "dark" ? "Light theme" : "Dark theme"}
        </button>
      </nav>
      <main>
        {sample && <p className="sample-banner" role="note">Sample library: for exploring, not real data. Open your own library in Settings.</p>}
        {screen === "library" && <LibraryPage onOpen={open} />}
        {screen === "contract" && contract && <ContractPage id={contract} onBack={() => setScreen("library")} />}
        {screen === "import" && <ImportPage />}
        {screen === "month" && <MonthEndPage onHelp={help} />}
        {screen === "dashboard" && <DashboardPage />}
        {screen === "claims" && <ClaimsPage />}
        {screen === "objectives" && <ObjectivesPage />}
        {screen === "coverage" && <CoveragePage />}
        {screen === "diligence" && <DiligencePage />}
        {screen === "review" && <ReviewPage />}
        {screen === "audit" && <AuditPage />}
        {screen === "glossary" && <GlossaryPage />}
        {screen === "settings" && <SettingsPage theme={theme} setTheme={setTheme} onLocale={(l) => setLocale(pickLocale(l))} />}
      </main>
    </div>
    </LocaleContext.Provider>
  );
}
