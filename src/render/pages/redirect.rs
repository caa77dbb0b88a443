//! A redirect page (`redirect.html`): an asset's old address, sending the reader on to
//! its page (see [`crate::redirects`] for where they come from and which are made).

use serde::Serialize;

use crate::render::renderer::Plain;

/// The asset page's address, relative to the redirect page.
#[derive(Serialize)]
pub(crate) struct Redirect {
    target: String,
}

/// The page for `redirect`, titled with the asset's title.
pub(crate) fn page<'a>(title: &'a str, target: String) -> Plain<'a, Redirect> {
    Plain {
        template: "redirect.html",
        title,
        section: "",
        context: Redirect { target },
    }
}

#[cfg(test)]
mod tests {
    use crate::render::testing::*;

    #[test]
    fn refreshes_links_and_names_the_canonical_page() {
        let f = Fixture::new();
        let r = f.renderer();
        let target = "../../library/x/index.html".to_string();
        let (fp, html) = show(&r, "old/path/index.html", super::page("Old title", target));
        for want in [
            r#"<meta http-equiv="refresh" content="0; url=../../library/x/index.html">"#,
            r#"<link rel="canonical" href="../../library/x/index.html">"#,
            r#"<a href="../../library/x/index.html">Old title</a>"#,
            r#"<html lang="en">"#,
        ] {
            assert!(html.contains(want), "{want}\n{html}");
        }
        assert!(!html.contains("<script"), "{html}");
        let (other, _) = show(
            &r,
            "old/path/index.html",
            super::page("Old title", "../x/".into()),
        );
        assert_ne!(fp, other, "the target is part of the fingerprint");
        // The title is the library's text: escaped like every page's.
        let (_, html) = show(&r, "x.html", super::page("<b>\"x\"</b>", "./y/".into()));
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }
}
