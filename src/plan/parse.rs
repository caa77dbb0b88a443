//! Reading `plan.toml`: the limits checked before the TOML parser runs (nesting,
//! bidi controls), TOML errors turned into placed diagnostics, and the result of
//! parsing and validating ([`Parsed`]).

use std::path::Path;

use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::limits::MAX_NESTING;

use super::model::*;
use super::validate::{RawPlanFile, Validator};

/// What [`parse`] makes of `plan.toml`.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The plan, whenever the TOML syntax and the tables' shape are right — even when
    /// it breaks a rule of SPEC §1.1 (then [`Parsed::is_valid`] is false). A broken plan
    /// is still good for resolving the ids assets name, so that one run reports the
    /// plan's errors and the assets' together; it is never good for a build.
    pub plan: Option<Plan>,
    /// Every problem found, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether the plan parsed and breaks no rule.
    pub fn is_valid(&self) -> bool {
        self.plan.is_some() && !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The plan, only when it breaks no rule.
    pub fn valid(self) -> Option<Plan> {
        if self.is_valid() { self.plan } else { None }
    }
}

/// Parses and validates `plan.toml`. `as_of` from the command line overrides the plan's;
/// without either, freshness is judged on today. Every rule is checked and reported;
/// see [`Parsed`] for when a plan comes back.
pub fn parse(source: &str, as_of: Option<Date>) -> Parsed {
    let mut v = Validator {
        src: source,
        diags: Vec::new(),
    };
    // Nesting deeper than a plan ever needs is refused before the parser recurses into it.
    let (depth, at) = crate::limits::toml_nesting(source);
    if depth > MAX_NESTING {
        v.diags.push(
            Diagnostic::error(
                PLAN_FILE,
                format!("arrays, tables or dotted keys nested more than {MAX_NESTING} levels deep"),
            )
            .at_offset(source, at)
            .help("a plan nests two or three levels at most: see the plan.toml reference in the README"),
        );
        return Parsed {
            plan: None,
            diagnostics: v.diags,
        };
    }
    // Trojan Source: bidi controls make a plan read differently than it is parsed, in
    // names and comments alike; a plan never needs them.
    if let Some((at, c)) = source
        .char_indices()
        .find(|&(_, c)| crate::diagnostics::is_bidi_control(c))
    {
        v.diags.push(
            Diagnostic::error(
                PLAN_FILE,
                format!(
                    "plan.toml holds the bidi control character U+{:04X}",
                    c as u32
                ),
            )
            .at_offset(source, at)
            .help("remove it: it makes the text around it show in an order other than it is read"),
        );
    }
    let raw: RawPlanFile = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => {
            v.diags
                .push(toml_error(Path::new(PLAN_FILE), source, &e, 0));
            return Parsed {
                plan: None,
                diagnostics: v.diags,
            };
        }
    };
    let plan = v.plan(raw, as_of);
    Parsed {
        plan: Some(plan),
        diagnostics: v.diags,
    }
}

/// Turns a TOML parse error into a diagnostic; `line_offset` shifts it into the file
/// the TOML came from (front matter starts below the `+++` line).
pub fn toml_error(path: &Path, source: &str, e: &toml::de::Error, line_offset: u32) -> Diagnostic {
    let message = e.message().trim().to_string();
    let mut help = "check the TOML syntax: strings need quotes, tables are `[name]`";
    if message.contains("unknown field") {
        help = "remove the key or fix its spelling; the expected keys are listed above";
    } else if message.contains("missing field") {
        help = "add the key; see the plan.toml reference in the README";
    } else if message.contains("invalid type") {
        help = "check the value's type against the plan.toml reference in the README";
    }
    let d = Diagnostic::error(path, message).help(help);
    match e.span() {
        Some(span) => {
            let mut d = d.at_span(source, span);
            if let Some(line) = d.line.as_mut() {
                *line += line_offset;
            }
            d
        }
        None => d,
    }
}
