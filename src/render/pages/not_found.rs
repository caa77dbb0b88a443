//! The 404 page (`404.html`): nothing of its own but the theme's words.

use serde::Serialize;

use crate::render::renderer::Plain;

/// No context of its own (a struct with braces, so it serializes as an empty map).
#[derive(Serialize)]
pub(crate) struct Nothing {}

pub(crate) fn page() -> Plain<'static, Nothing> {
    Plain {
        template: "404.html",
        title: "Not found",
        section: "",
        context: Nothing {},
    }
}

#[cfg(test)]
mod tests {
    use crate::render::testing::*;

    #[test]
    fn shows_no_asset_and_keeps_its_fingerprint_through_asset_edits() {
        let mut f = Fixture::new();
        let r = f.renderer();
        let (fp, html) = show(&r, "404.html", super::page());
        assert!(html.contains("Not found"), "{html}");
        assert!(!html.contains(FIRST_TITLE));
        drop(r);
        f.edit(FIRST, FIRST_TITLE, "Payback in one quarter");
        assert_eq!(show(&f.renderer(), "404.html", super::page()).0, fp);
    }
}
