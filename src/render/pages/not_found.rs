//! The 404 page (`404.html`): the theme's words, served by hosts and `serve` for any
//! missing address, so at any depth below the site root, where its relative links
//! point below that address. When `base_url` names where the site lives, its links
//! start from there (its path: the page may be served from another host); when it is
//! the default `/`, which promises nothing (the SPEC's sites work under any sub-path
//! without it), they stay relative. Either way the template's script finds the site
//! root and moves the links there when they are wrong: `serve` puts the site at `/`
//! whatever base_url says.

use serde::Serialize;

use crate::render::renderer::Plain;

/// The CSP hash of the default theme's inline script in 404.html, which base.html adds
/// to the page's `script-src`. The script must be inline (nothing can be loaded before
/// the root is known) and the policy allows exactly it: change one byte of the script
/// and this must change too (the command is in 404.html; the browser test fails on the
/// CSP error otherwise). A theme that replaces 404.html is allowed one script it lacks.
pub(crate) const SCRIPT_HASH: &str = "sha256-v4CcqLecQRaxSy24UvivbWZiqjsFCQ/INxfYTSCwvkM=";

/// The page's own `root`, in place of the relative one every other page gets, and the
/// hash of its script.
#[derive(Serialize)]
pub(crate) struct NotFound {
    root: String,
    script_hash: &'static str,
}

pub(crate) fn page(base_url: &str) -> Plain<'static, NotFound> {
    Plain {
        template: "404.html",
        title: "Not found",
        section: "",
        context: NotFound {
            root: root_of_base_url(base_url),
            script_hash: SCRIPT_HASH,
        },
    }
}

/// The path of `base_url` as an absolute folder (`/docs/`): a full URL's host is
/// dropped, a missing leading or trailing `/` added, query and fragment ignored; the
/// default `/` (or nothing) gives the relative `./`.
fn root_of_base_url(base_url: &str) -> String {
    let url = base_url.trim();
    if url.is_empty() || url == "/" {
        return "./".to_string();
    }
    let path = match url.split_once("//") {
        // `https://host/path`, `//host/path`: the path after the host.
        Some((scheme, rest)) if scheme.is_empty() || scheme.ends_with(':') => {
            rest.find('/').map_or("", |at| &rest[at..])
        }
        _ => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    }
}

#[cfg(test)]
mod tests {
    use super::root_of_base_url;
    use crate::render::testing::*;

    #[test]
    fn shows_no_asset_and_keeps_its_fingerprint_through_asset_edits() {
        let mut f = Fixture::new();
        let r = f.renderer();
        let (fp, html) = show(&r, "404.html", super::page("/"));
        assert!(html.contains("Not found"), "{html}");
        assert!(!html.contains(FIRST_TITLE));
        drop(r);
        f.edit(FIRST, FIRST_TITLE, "Payback in one quarter");
        assert_eq!(show(&f.renderer(), "404.html", super::page("/")).0, fp);
    }

    #[test]
    fn links_start_from_the_root_base_url_names_and_the_script_is_allowed_by_hash() {
        let f = Fixture::new();
        let r = f.renderer();
        let (fp, html) = show(&r, "404.html", super::page("https://example.com/docs"));
        assert!(
            html.contains(r#"<link rel="stylesheet" href="/docs/style.css">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/docs/coverage/index.html""#),
            "{html}"
        );
        assert!(html.contains(r#"<script data-root="/docs/">"#), "{html}");
        let csp = format!("script-src 'self' '{}';", super::SCRIPT_HASH);
        assert!(html.contains(&csp), "{html}");
        let (other, html) = show(&r, "404.html", super::page("/"));
        assert!(html.contains(r#"href="./style.css""#), "{html}");
        assert!(html.contains(r#"<script data-root="./">"#), "{html}");
        assert_ne!(fp, other, "the root is part of the page's fingerprint");
    }

    #[test]
    fn base_url_paths() {
        for (base_url, root) in [
            ("/", "./"),
            ("", "./"),
            ("/docs", "/docs/"),
            ("/sales/library/", "/sales/library/"),
            ("https://example.com", "/"),
            ("https://example.com/", "/"),
            ("https://example.com/a/b?x=1#y", "/a/b/"),
            ("//cdn.example.com/site/", "/site/"),
            ("docs/", "/docs/"),
        ] {
            assert_eq!(root_of_base_url(base_url), root, "{base_url}");
        }
    }
}
