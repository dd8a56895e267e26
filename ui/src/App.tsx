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
import { GlossaryPage } from "./pages/Glossary";

export type Screen = "library" | "import" | "month" | "dashboard" | "claims" | "objectives" | "coverage" | "diligence" | "audit" | "settings" | "contract" | "glossary";

const NAV: [Screen, string][] = [
  ["library", "Library"],
  ["import", "Import"],
  ["month", "Month end"],
  ["dashboard", "Dashboard"],
  ["claims", "Claims"],
  ["objectives", "Objectives"],
  ["coverage", "Coverage"],
  ["diligence", "Due diligence"],
  ["audit", "Audit"],
  ["settings", "Settings"],
];

export function App() {
  const [screen, setScreen] = useState<Screen>("library");
  const [contract, setContract] = useState<string | null>(null);
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
      if (e.altKey && n >= 1 && n <= NAV.length) {
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
  return (
    <div className="app">
      <nav aria-label="Screens">
        <div className="brand">SLA Ledger</div>
        {NAV.map(([s, label], i) => (
          <button key={s} className={screen === s ? "active" : ""} onClick={() => setScreen(s)} title={`Alt+${(i + 1) % 10}`} data-screen={s}>
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
        {screen === "library" && <LibraryPage onOpen={open} />}
        {screen === "contract" && contract && <ContractPage id={contract} onBack={() => setScreen("library")} />}
        {screen === "import" && <ImportPage />}
        {screen === "month" && <MonthEndPage onHelp={help} />}
        {screen === "dashboard" && <DashboardPage />}
        {screen === "claims" && <ClaimsPage />}
        {screen === "objectives" && <ObjectivesPage />}
        {screen === "coverage" && <CoveragePage />}
        {screen === "diligence" && <DiligencePage />}
        {screen === "audit" && <AuditPage />}
        {screen === "glossary" && <GlossaryPage />}
        {screen === "settings" && <SettingsPage theme={theme} setTheme={setTheme} />}
      </main>
    </div>
  );
}
