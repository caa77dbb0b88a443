//! The CommonMark extensions every reading of a body uses: tables, footnotes,
//! strikethrough and task lists.

use pulldown_cmark::Options;

pub(super) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}
