//! The stable code of each kind of diagnostic, such as `E0301`: printed after the
//! message (`… [E0301]`) and given as `code` in `check --format json`, so scripts,
//! editors and the README's table can name a kind of problem without matching its
//! wording, which may change. A code, once published, keeps its meaning; a retired kind
//! keeps its number unused.
//!
//! Errors are `E`, warnings `W`; the hundreds say where the problem is: 01 the library's
//! files, 02 plan.toml, 03 an asset's front matter, 04 the library as a whole, 05 the
//! theme, 06 the output, 07 comparing builds. [`Code::ALL`] lists every code with what it means (the README's
//! table is made from it); a diagnostic made without `.code(…)` carries
//! [`Code::UnassignedError`] (`E0000`) or [`Code::UnassignedWarning`] (`W0000`).
//!
//! One line per code below makes the variant, its code and its meaning together, so
//! none can be forgotten; a `Code` is one byte, which keeps a `Diagnostic`
//! small enough to travel in a `Result`.

/// Defines [`Code`] from one line per kind: variant, code, meaning.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $meaning:literal;)*) => {
        /// The kind of a diagnostic, by its stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            /// An error whose kind has no code yet.
            UnassignedError,
            /// A warning whose kind has no code yet.
            UnassignedWarning,
            $($(#[$doc])* $name,)*
        }

        impl Code {
            /// Every assigned code, in order.
            pub const ALL: &[Code] = &[$(Code::$name),*];

            /// The code as printed, such as `E0305`.
            pub fn as_str(self) -> &'static str {
                match self {
                    Code::UnassignedError => "E0000",
                    Code::UnassignedWarning => "W0000",
                    $(Code::$name => $code,)*
                }
            }

            /// What the code means, in one line.
            pub fn meaning(self) -> &'static str {
                match self {
                    Code::UnassignedError => "an error whose kind has no code yet",
                    Code::UnassignedWarning => "a warning whose kind has no code yet",
                    $(Code::$name => $meaning,)*
                }
            }
        }
    };
}

codes! {
    // 01: the library's files.
    /// No plan.toml in the library folder.
    PlanMissing = "E0101", "no plan.toml in the library folder";
    /// No content/ folder in the library folder.
    ContentMissing = "E0102", "no content/ folder (or the plan's [content] dir) in the library folder";
    /// A file cannot be read (permissions, or it changed or went away during the build).
    ReadFailed = "E0103", "a file cannot be read";
    /// A file is larger than covermap reads.
    TooLarge = "E0104", "a file is larger than covermap reads";
    /// A file is not UTF-8 text.
    NotUtf8 = "E0105", "a file is not UTF-8 text";
    /// A symbolic link, FIFO, socket or device under content/ or static/ is skipped
    /// (a link is followed only to a file inside content/ or static/ that is not hidden).
    SkippedFile = "W0106", "a link, FIFO, socket or device under content/ or static/ is skipped";
    /// A hidden file or folder under content/ or static/ is never published.
    HiddenSkipped = "W0107", "a hidden file or folder under content/ or static/ is skipped";
    /// A `[content] include` or `exclude` glob matches no file of the content folder
    /// (a typo, or a folder that moved).
    GlobUnmatched = "W0108", "a [content] include or exclude glob matches no file";
    // 02: plan.toml.
    /// plan.toml is not valid TOML.
    PlanSyntax = "E0201", "plan.toml is not valid TOML";
    /// An unknown key or table in plan.toml (a typo is an error).
    PlanUnknownKey = "E0202", "an unknown key or table in plan.toml";
    /// A missing key, or a value of the wrong type, in plan.toml.
    PlanType = "E0203", "a missing key or a value of the wrong type in plan.toml";
    /// A value out of range or malformed in plan.toml (date, currency, number, theme name).
    PlanValue = "E0204", "a malformed or out-of-range value in plan.toml";
    /// An id that is not valid, or used twice, in plan.toml.
    PlanId = "E0205", "an id that is not valid or is used twice";
    /// plan.toml names a segment, persona or stage it does not define.
    PlanUnknownId = "E0206", "plan.toml names an id it does not define";
    /// A coverage decision without a target or a reason, or two that conflict.
    Decision = "E0207", "a decision without target or reason, or two that conflict";
    /// A plan that cannot make a heatmap: no personas, too many cells, too deep, bad weights.
    PlanShape = "E0208", "a plan that cannot make a heatmap";
    /// A coverage decision past its review date no longer applies.
    DecisionLapsed = "W0209", "a decision past its review date no longer applies";
    /// A segment lists no personas or no stages, so it has no cells.
    EmptySegment = "W0210", "a segment with no personas or no stages";
    /// A duration (`review_every`, `due_soon`) that is not `N days|weeks|months|years`.
    PlanDuration = "E0220", "a duration that is not N days, weeks, months or years";
    /// `[site] request_url` is not an http(s) URL or names an unknown placeholder.
    RequestUrl = "E0240", "a [site] request_url that is not http(s) or names an unknown placeholder";
    /// `[history]` with a value it cannot use.
    HistoryValue = "E0250", "a `[history]` value covermap cannot use";
    // 03: an asset's front matter and body.
    /// The file is empty, has no front matter, or the front matter is never closed.
    FrontMatterMissing = "E0301", "an empty file, or front matter missing or unclosed";
    /// The front matter is not valid YAML or TOML.
    FrontMatterSyntax = "E0302", "front matter that is not valid YAML or TOML";
    /// A key is missing (`title`), given twice, or of the wrong type.
    FrontMatterType = "E0303", "a key missing, given twice, or of the wrong type";
    /// A value covermap cannot use: a date, audience, URL scheme or boolean.
    FrontMatterValue = "E0304", "a date, audience, URL or boolean covermap cannot use";
    /// An asset names a persona, segment, stage or objection the plan does not define.
    UnknownId = "E0305", "an asset names an id the plan does not define";
    /// A slug that cannot be a page's path.
    BadSlug = "E0306", "a slug that cannot be a page's path";
    /// An invisible, control or bidi character in a value or in plan.toml.
    InvisibleCharacter = "E0307", "an invisible, control or bidi character";
    /// The body nests elements too deep to render.
    BodyTooDeep = "E0308", "a body that nests elements too deep";
    /// An asset that names no persona, segment or stage counts toward no cell.
    CountsTowardNothing = "W0309", "an asset that counts toward no cell";
    /// An asset past its `review_by` date no longer counts toward coverage.
    Stale = "W0310", "an asset past its review date";
    /// A boolean written as a YAML 1.1 word (`yes`, `no`, `on`, `off`, `y`, `n`).
    BooleanWord = "W0311", "a boolean written as yes, no, on or off";
    /// One key written in two spellings (`Title:` and `title:`) in one file.
    KeySpelledTwice = "W0312", "one front-matter key in two spellings";
    /// A page without front matter or `title`, titled from its first heading or file name.
    TitleFallback = "W0313", "a page titled from its first heading or file name";
    /// A redirect stub or a feed/sitemap template, skipped.
    PageSkipped = "W0314", "a redirect stub or feed template, not an asset";
    /// An `updated` date after the plan's `as_of`.
    FutureDate = "W0315", "an updated date after as_of";
    /// Template syntax of another generator (a Hugo shortcode, Liquid, an MDX
    /// component) that covermap shows as a marked placeholder.
    ForeignSyntax = "W0320", "template syntax covermap does not render";
    /// The files with such syntax past the first ten, summed up in one warning.
    ForeignSyntaxMore = "W0321", "more files with template syntax, summed up";
    /// An `aliases`/`redirect_from` redirect page that would overwrite a page, a file
    /// or another redirect: the real page wins, the redirect is not made.
    RedirectClash = "W0325", "a redirect page that would overwrite a page or another redirect";
    /// An `aliases`/`redirect_from` entry that is no path in the site (a full address,
    /// `..`, a hidden folder).
    AliasNotPath = "W0326", "an alias or redirect_from that is not a path in the site";
    /// In an adopted repo, a `slug` covermap cannot use (another generator's URL): the
    /// file's path names the page.
    ForeignSlug = "W0327", "an adopted page's slug covermap cannot use";
    /// An asset's type is not one of the plan's `[[types]]`.
    UnlistedType = "W0330", "an asset's type is not one of the plan's [[types]]";
    // 04: the library as a whole.
    /// Two assets with one slug.
    DuplicateSlug = "E0401", "two assets with one slug";
    /// An attachment or static file would overwrite a page covermap generates.
    OverwritesPage = "E0402", "a file would overwrite a generated page";
    /// Two taxonomy terms (tags, types) on one slug: the second gets a numbered slug.
    TermSlugClash = "W0403", "two tags or types on one slug";
    /// A body's relative or root link or image that leads to no page or file.
    UnresolvedLink = "W0410", "a link or image that leads to no page or file";
    /// A body's link or image to a file that is never published (hidden, excluded, a
    /// draft, outside the content and static folders, or outside the library).
    LinkNotPublished = "W0411", "a link or image to a file that is never published";
    /// `superseded_by` names no asset of the library.
    SupersededMissing = "E0420", "superseded_by names no asset";
    /// Assets whose `superseded_by` links lead back to themselves.
    SupersededCycle = "E0421", "superseded_by links that form a cycle";
    /// The trend cannot read the library's history (a shallow clone, git failing).
    HistoryUnavailable = "W0430", "the trend's git history cannot be read";
    /// A revision of the history whose library has errors is left out of the trend.
    HistoryPointLeftOut = "W0431", "a revision left out of the trend";
    // 05: the theme.
    /// The theme plan.toml names is not in themes/.
    ThemeMissing = "E0501", "the theme named in plan.toml is missing";
    /// A template does not parse or does not render.
    Template = "E0502", "a template does not parse or render";
    // 06: the output.
    /// The output folder cannot be written.
    Output = "E0601", "the output folder cannot be written";
    /// Another build holds the output folder's lock past the wait.
    OutputLocked = "E0602", "another build is writing the output folder";
    /// The output folder does not exist and its parent is not writable.
    OutputParentNotWritable = "E0603", "the folder that would hold the output is not writable";
    // 07: comparing builds (`diff`, `check --no-regression`).
    /// A diff side that is neither a git revision nor a folder holding coverage.json.
    DiffSideUnknown = "E0701", "a diff side that is neither a git revision nor a folder holding coverage.json";
    /// A revision missing from a shallow clone.
    DiffShallow = "E0702", "a revision missing because the clone is shallow";
    /// An earlier build's coverage.json or assets.json that cannot be read.
    DiffUnreadable = "E0703", "an earlier build's coverage.json or assets.json that cannot be read";
    /// One side of a diff whose library has errors: its coverage is unavailable.
    DiffSideErrors = "W0704", "one side of a diff has library errors: its coverage is unavailable";
    /// Coverage fell, or a cell got worse, against the base.
    DiffRegression = "E0705", "coverage regressed against the base (--fail-on-regression, --no-regression)";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::codes::Code;

    #[test]
    fn codes_are_unique_well_formed_and_in_order() {
        let mut last = 0;
        for code in Code::ALL {
            let (kind, number) = code.as_str().split_at(1);
            assert!(matches!(kind, "E" | "W"), "{code}");
            assert_eq!(number.len(), 4, "{code}");
            let number: u32 = number.parse().unwrap_or(0);
            assert!(number > last, "{code} is out of order or used twice");
            last = number;
            assert!(!code.meaning().is_empty());
        }
    }
}
