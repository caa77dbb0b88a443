//! How figures read: shares, money and the marks that tell a cell's status without
//! colour. Shared by the site's pages and the terminal report.

use crate::coverage::{Cell, Status};

/// The symbol and words that mark a cell's status without relying on colour; the
/// site and the terminal heatmap share them.
pub fn cell_marker(c: &Cell) -> (&'static str, &'static str) {
    match c.status {
        Status::Covered => ("✓", "covered"),
        Status::Thin => ("◐", "thin"),
        Status::Gap if c.stale_only() => ("↻", "gap: only stale assets"),
        Status::Gap => ("✕", "gap"),
        Status::Waived => ("–", "light coverage by decision"),
    }
}

/// A share as a whole percentage; "—" where undefined.
pub fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// Money, short: `$4.2M`, `$65.6k`, `EUR 950`.
pub fn money(v: f64, currency: &str) -> String {
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "",
    };
    let prefix = if symbol.is_empty() {
        format!("{currency} ")
    } else {
        symbol.to_string()
    };
    let a = v.abs();
    let body = if a >= 1e9 {
        format!("{:.1}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    };
    format!(
        "{prefix}{}",
        body.replace(".0M", "M")
            .replace(".0k", "k")
            .replace(".0B", "B")
    )
}
