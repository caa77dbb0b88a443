//! The 404 page (`404.html`): nothing of its own but the theme's words.

use serde::Serialize;

use crate::render::renderer::Plain;

/// No context of its own (a struct with braces, so it serializes as an empty map).
#[derive(Serialize)]
pub(in crate::render) struct Nothing {}

pub(in crate::render) fn page() -> Plain<'static, Nothing> {
    Plain {
        template: "404.html",
        title: "Not found",
        section: "",
        context: Nothing {},
    }
}
