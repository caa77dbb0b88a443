//! Reading `plan.toml`: the limits checked before the TOML parser runs (nesting,
//! bidi controls), TOML errors turned into placed diagnostics, and the result of
//! parsing and validating ([`Parsed`]).

use std::path::Path;

use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic};
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
            .help("a plan nests two or three levels at most: see the plan.toml reference in the README")
            .code(Code::PlanShape),
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
            .help("remove it: it makes the text around it show in an order other than it is read")
            .code(Code::InvisibleCharacter),
        );
    }
    let Some(raw) = read_raw(source, &mut v.diags) else {
        return Parsed {
            plan: None,
            diagnostics: v.diags,
        };
    };
    let plan = v.plan(raw, as_of);
    Parsed {
        plan: Some(plan),
        diagnostics: v.diags,
    }
}

/// Reads the tables of plan.toml. serde stops at the first unknown key; so that one run
/// shows every typo, each unknown key is reported, taken out of the parsed document and
/// the tables read again, until they read or fail for another reason.
fn read_raw(source: &str, diags: &mut Vec<Diagnostic>) -> Option<RawPlanFile> {
    use serde::Deserialize;
    let path = Path::new(PLAN_FILE);
    let mut document = match toml::de::DeTable::parse(source) {
        Ok(document) => document,
        Err(e) => {
            diags.push(toml_error(path, source, &e, 0));
            return None;
        }
    };
    // Each round removes one key, so the document's own size bounds the rounds.
    loop {
        let e = match RawPlanFile::deserialize(toml::de::Deserializer::from(document.clone())) {
            Ok(raw) => return Some(raw),
            Err(e) => e,
        };
        diags.push(toml_error(path, source, &e, 0));
        let removed = e.message().starts_with("unknown field")
            && e.span()
                .is_some_and(|span| remove_key(document.get_mut(), &span));
        if !removed {
            return None;
        }
    }
}

/// Takes the key written at `span` out of `table` or the tables under it; whether it
/// was there.
fn remove_key(table: &mut toml::de::DeTable<'_>, span: &std::ops::Range<usize>) -> bool {
    let written = table
        .iter()
        .find(|(k, _)| k.span() == *span)
        .map(|(k, _)| k.clone());
    if let Some(key) = written {
        return table.remove(&key).is_some();
    }
    table
        .iter_mut()
        .any(|(_, v)| remove_in_value(v.get_mut(), span))
}

fn remove_in_value(value: &mut toml::de::DeValue<'_>, span: &std::ops::Range<usize>) -> bool {
    match value {
        toml::de::DeValue::Table(t) => remove_key(t, span),
        toml::de::DeValue::Array(items) => items
            .iter_mut()
            .any(|item| remove_in_value(item.get_mut(), span)),
        _ => false,
    }
}

/// Turns a TOML parse error into a diagnostic; `line_offset` shifts it into the file
/// the TOML came from (front matter starts below the `+++` line).
pub fn toml_error(path: &Path, source: &str, e: &toml::de::Error, line_offset: u32) -> Diagnostic {
    let (mut message, help, code) = toml_wording(e.message().trim());
    // serde's type errors do not name the key; the text before the value does.
    if let Some(rest) = message.strip_prefix("wrong type: ")
        && let Some(key) = e.span().and_then(|s| key_before(source, s.start))
    {
        message = format!("`{key}` has the wrong type: {rest}");
    }
    let d = Diagnostic::error(path, message).help(help).code(code);
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

/// The key a value at `at` is given to: `key =` just before it, on its line or after
/// the `{` or `,` of an inline table.
fn key_before(source: &str, at: usize) -> Option<&str> {
    let before = source.get(..at)?;
    let start = before.rfind(['\n', '{', ',']).map_or(0, |i| i + 1);
    let key = before[start..].trim_end().strip_suffix('=')?.trim();
    (!key.is_empty() && !key.contains(['[', ']', '"', '\''])).then_some(key)
}

/// The author's words for a TOML or serde message: serde speaks of fields, types and
/// `i64`; an author writes keys, text and numbers. The message, its help and its code.
pub(crate) fn toml_wording(message: &str) -> (String, String, Code) {
    let ticked = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = ticked(rest);
        let key = names.first().cloned().unwrap_or_default();
        let expected = &names[1.min(names.len())..];
        let help = crate::diagnostics::suggest(&key, expected.iter().map(String::as_str))
            .unwrap_or_else(|| {
                if expected.is_empty() {
                    "remove the key: this table takes none".to_string()
                } else {
                    format!(
                        "remove the key or fix its spelling; the keys here are: {}",
                        expected.join(", ")
                    )
                }
            });
        return (format!("unknown key `{key}`"), help, Code::PlanUnknownKey);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let key = ticked(rest).into_iter().next().unwrap_or_default();
        return (
            format!("missing key `{key}`"),
            "add the key; see the plan.toml reference in the README".to_string(),
            Code::PlanType,
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        return (
            format!(
                "wrong type: found {}, expected {}",
                plain_type(found),
                plain_type(expected)
            ),
            "check the value's type against the plan.toml reference in the README".to_string(),
            Code::PlanType,
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another value"));
        return (
            format!(
                "invalid value: found {}, expected {}",
                plain_type(found),
                plain_type(expected)
            ),
            "check the value against the plan.toml reference in the README".to_string(),
            Code::PlanValue,
        );
    }
    (
        message.to_string(),
        "check the TOML syntax: strings need quotes, tables are `[name]`".to_string(),
        Code::PlanSyntax,
    )
}

/// serde's names of types, in an author's words.
fn plain_type(serde: &str) -> String {
    let words = [
        ("string", "text"),
        ("a string", "text"),
        ("i64", "a whole number"),
        ("u64", "a whole number"),
        ("u32", "a whole number"),
        ("usize", "a whole number"),
        ("f64", "a number"),
        ("integer", "a whole number"),
        ("float", "a number"),
        ("boolean", "true or false"),
        ("a boolean", "true or false"),
        ("sequence", "a list `[…]`"),
        ("a sequence", "a list `[…]`"),
        ("map", "a table"),
        ("a map", "a table"),
        ("struct RawPlan", "a table"),
    ];
    let serde = serde.trim();
    if let Some((_, plain)) = words.iter().find(|(w, _)| *w == serde) {
        return plain.to_string();
    }
    // `string "x"`, `integer `7``, `struct RawSegment`…
    for (prefix, plain) in [
        ("string ", "the text "),
        ("integer ", "the number "),
        ("floating point ", "the number "),
        ("boolean ", ""),
    ] {
        if let Some(rest) = serde.strip_prefix(prefix) {
            return format!("{plain}{}", rest.trim_matches('`'));
        }
    }
    if serde.starts_with("struct ") {
        return "a table".to_string();
    }
    serde.to_string()
}
