//! UptimeRobot. The monitor log CSV from the dashboard's log export
//! (the same events as the API's `getMonitors` with `logs=1`,
//! <https://uptimerobot.com/api/>): columns `Event` (`Down`, `Up`,
//! `Started`, `Paused`, `Resumed`), `Monitor` (or `Monitor Name`,
//! `Friendly Name`), `Date-Time`, `Reason`, `Duration`.
//!
//! Each `Down` opens an outage of its monitor that the next `Up` of the
//! same monitor ends (in time order); a `Down` with no later `Up` is still
//! open. `Started`, `Paused` and `Resumed` say nothing about the service
//! and are skipped; `Duration` is not read (it follows from the times).
//! The times are the account's wall-clock times without an offset: they
//! are read in the zone the user gives (`--zone`).

use super::{csv_text, has_columns, At, FileType, Out, PresetInfo};
use crate::sheet::RawSheet;
use rust_decimal::Decimal;
use sla_engine::{Instant, OutageRow};

pub(crate) const INFO: PresetInfo = PresetInfo {
    name: "uptimerobot-csv",
    version: 1,
    vendor: "UptimeRobot",
    title: "monitor log CSV (naive times: --zone)",
    file: FileType::Csv,
    kinds: &["outages"],
    source: "https://uptimerobot.com/api/ (log types 1 down, 2 up, 98 started, 99 paused)",
};

const MONITOR: [&str; 3] = ["Monitor", "Monitor Name", "Friendly Name"];

pub(crate) fn detect(header: &[String]) -> Option<&'static str> {
    (has_columns(header, &["Event", "Date-Time"])
        && MONITOR.iter().any(|m| has_columns(header, &[m])))
    .then_some("uptimerobot-csv")
}

/// One usable log line.
struct Line {
    row: u32,
    monitor: String,
    at: Instant,
    down: bool,
    service: Option<String>,
}

pub(crate) fn read(out: &mut Out<'_>, sheet: &RawSheet) {
    let monitor_col = MONITOR
        .iter()
        .find(|m| has_columns(&sheet.header, &[m]))
        .copied()
        .unwrap_or("Monitor");
    let mut lines = Vec::new();
    for (row, cells) in &sheet.rows {
        if cells.iter().all(crate::Cell::is_empty) {
            continue;
        }
        let row = *row;
        let get = |h: &str| csv_text(sheet, cells, h);
        let event = get("Event").unwrap_or_default();
        let down = match event.to_lowercase().as_str() {
            "down" => true,
            "up" => false,
            "started" | "paused" | "resumed" => continue,
            _ => {
                out.err(
                    &At::cell(sheet, row, "Event"),
                    format!("unknown event `{event}` (UptimeRobot's are Down, Up, Started, Paused, Resumed)"),
                );
                continue;
            }
        };
        let Some(monitor) = get(monitor_col) else {
            out.err(&At::cell(sheet, row, monitor_col), "required cell is empty");
            continue;
        };
        let at_cell = At::cell(sheet, row, "Date-Time");
        let at = match get("Date-Time") {
            Some(t) => out.time(&t, None, &at_cell),
            None => {
                out.err(&at_cell, "required cell is empty");
                None
            }
        };
        // Only a `Down` writes a row, so only it needs a service.
        let service = if down {
            out.service(&monitor, &At::cell(sheet, row, monitor_col))
        } else {
            None
        };
        if let Some(at) = at {
            lines.push(Line {
                row,
                monitor,
                at,
                down,
                service,
            });
        }
    }
    // Time order per monitor; on a tie the file's order.
    lines.sort_by(|a, b| (&a.monitor, a.at, a.row).cmp(&(&b.monitor, b.at, b.row)));
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        if !l.down {
            i += 1;
            continue;
        }
        // The next `Up` of the same monitor; later `Down`s before it are
        // the same outage still going on.
        let mut j = i + 1;
        while j < lines.len() && lines[j].monitor == l.monitor && lines[j].down {
            j += 1;
        }
        let end = lines
            .get(j)
            .filter(|u| u.monitor == l.monitor && !u.down)
            .map(|u| u.at);
        if let Some(service) = &l.service {
            let origin = out.origin(sheet.name.clone(), l.row);
            out.events.outages.push(OutageRow {
                service: service.as_str().into(),
                start: l.at,
                end,
                impact: Decimal::ONE,
                cause: "internal".into(),
                source: "uptimerobot".into(),
                reference: String::new(),
                origin,
            });
        }
        i = j;
    }
}
