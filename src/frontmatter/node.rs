//! The parsed front matter: a tree of values, each remembering its line and column.

/// A front matter value with its place in the block (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A plain (unquoted) YAML scalar that YAML 1.2's core schema reads as null, a
    /// boolean or a number, kept as the author wrote it: a text field takes the text
    /// (`title: No`, `zip: 02139`), a boolean field reads it, and templates get it
    /// typed only where typing does not change it ([`Value::to_json`]).
    Plain(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Value {
    /// The word for the value's type in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Plain(s) => match core_value(s) {
                Value::Plain(_) => "a string",
                v => v.type_name(),
            },
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    /// The value for templates (`extra` keys).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
            }
            Value::Str(s) => s.clone().into(),
            // Typed only when the type keeps the text: `02139`, `1e3` or `0x1F` stay
            // as written, where a number would show as 2139, 1000 or 31.
            Value::Plain(s) => match core_value(s) {
                Value::Null => serde_json::Value::Null,
                Value::Bool(b) => b.into(),
                Value::Int(i) if i.to_string() == *s => i.into(),
                Value::Float(f) if f.is_finite() && f.to_string() == *s => {
                    serde_json::Number::from_f64(f).map_or_else(|| s.clone().into(), Into::into)
                }
                _ => s.clone().into(),
            },
            Value::Seq(items) => items.iter().map(|n| n.value.to_json()).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, n)| (k.clone(), n.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

/// A front matter parse error, placed in the block.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub line: u32,
    pub col: u32,
    /// What to do about it, where the error is more specific than bad syntax.
    pub help: Option<String>,
}

/// What a plain scalar is under YAML 1.2's core schema: null, a boolean, a whole or a
/// real number, each only for its core spellings (`yes`, `off`, `y` and `n` are text);
/// [`Value::Str`] for text, [`Value::Plain`] for a number too big to hold.
pub fn core_value(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let (sign, digits) = match text.as_bytes()[0] {
        b'-' => (-1.0, &text[1..]),
        b'+' => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    if matches!(digits, ".inf" | ".Inf" | ".INF") {
        return Value::Float(sign * f64::INFINITY);
    }
    let all = |s: &str, f: fn(&u8) -> bool| !s.is_empty() && s.as_bytes().iter().all(f);
    let too_big = || Value::Plain(text.to_string());
    if digits.len() == text.len() {
        if let Some(hex) = text.strip_prefix("0x")
            && all(hex, u8::is_ascii_hexdigit)
        {
            return i64::from_str_radix(hex, 16).map_or_else(|_| too_big(), Value::Int);
        }
        if let Some(oct) = text.strip_prefix("0o")
            && all(oct, |c| (b'0'..=b'7').contains(c))
        {
            return i64::from_str_radix(oct, 8).map_or_else(|_| too_big(), Value::Int);
        }
    }
    if all(digits, u8::is_ascii_digit) {
        return text.parse().map_or_else(|_| too_big(), Value::Int);
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, frac)) => {
            (whole.is_empty() && all(frac, u8::is_ascii_digit))
                || (all(whole, u8::is_ascii_digit) && frac.bytes().all(|c| c.is_ascii_digit()))
        }
        None => all(mantissa, u8::is_ascii_digit),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        all(e, u8::is_ascii_digit)
    });
    if mantissa_ok && exponent_ok {
        return text.parse().map_or_else(|_| too_big(), Value::Float);
    }
    Value::Str(text.to_string())
}

/// A plain scalar as written: [`Value::Str`] when YAML 1.2's core schema reads it as
/// text, [`Value::Null`] when it is empty, else [`Value::Plain`].
pub fn plain(text: &str) -> Value {
    if text.is_empty() {
        return Value::Null;
    }
    match core_value(text) {
        Value::Str(s) => Value::Str(s),
        _ => Value::Plain(text.to_string()),
    }
}
