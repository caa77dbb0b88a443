//! The theme's templates as pages use them: every page and every asset row gets the
//! same `site`, `plan` and `generator`, and `root`, its way up to the site root, so
//! every link is relative to the page it is on.

use std::sync::atomic::{AtomicUsize, Ordering};

use tera::{Context, Value};

use crate::diagnostics::Diagnostic;
use crate::plan::Plan;
use crate::theme::Theme;

/// The template every asset list is made of, rendered once per asset.
pub const ROW_TEMPLATE: &str = "partials/asset_row.html";
/// The template of an asset in other assets' related lists, rendered once per asset.
pub const RELATED_TEMPLATE: &str = "partials/related_row.html";

/// Renders pages and rows through the theme, counting the pages.
pub(super) struct Templates<'a> {
    pub theme: &'a Theme,
    /// `site`, `plan` and `generator`, which every template gets, and what the render
    /// adds for every page ([`Self::set_global`]).
    base: Vec<(&'static str, Value)>,
    /// Pages rendered through the templates, not taken as they were.
    rendered: AtomicUsize,
}

/// `../` once per folder of `path` (`./` at the root).
pub(super) fn root_of(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

impl<'a> Templates<'a> {
    pub fn new(theme: &'a Theme, plan: &Plan) -> Self {
        Templates {
            theme,
            base: super::views::base(plan).into(),
            rendered: AtomicUsize::new(0),
        }
    }

    /// Sets the value `key` holds on every page (after the plan's own).
    pub fn set_global(&mut self, key: &'static str, value: Value) {
        self.base.retain(|(k, _)| *k != key);
        self.base.push((key, value));
    }

    /// How many pages went through [`Self::page`].
    pub fn rendered(&self) -> usize {
        self.rendered.load(Ordering::Relaxed)
    }

    fn context(&self) -> Context {
        let mut ctx = Context::new();
        for (key, value) in &self.base {
            ctx.insert_value(*key, value.clone());
        }
        ctx
    }

    /// Renders `template` for the page at `path`; `extra` is the page's own context.
    pub fn page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        section: &str,
        extra: Context,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.context();
        ctx.insert("root", &root_of(path));
        // After `root`: a page served at addresses other than its own (404.html) brings
        // its own.
        ctx.extend(extra);
        let mut page = tera::Map::new();
        page.insert("title".into(), title.into());
        page.insert("path".into(), path.into());
        page.insert("section".into(), section.into());
        ctx.insert_value("page", Value::from(page));
        self.rendered.fetch_add(1, Ordering::Relaxed);
        self.theme
            .tera
            .render(template, &ctx)
            .map(String::into_bytes)
            .map_err(|e| self.theme.error(&e))
    }

    /// An asset's row made with `template` (`a` is its view) as on a page whose root is
    /// `root`.
    pub fn row(&self, template: &str, view: &Value, root: &str) -> Result<String, Diagnostic> {
        let mut ctx = self.context();
        ctx.insert_value("a", view.clone());
        ctx.insert_value("root", Value::safe_string(root));
        self.theme
            .tera
            .render(template, &ctx)
            .map_err(|e| self.theme.error(&e))
    }

    /// A context made from a page's serializable part, or the theme's word on why not.
    pub fn context_of(&self, value: &impl serde::Serialize) -> Result<Context, Diagnostic> {
        Context::from_serialize(value).map_err(|e| self.theme.error(&e))
    }
}
