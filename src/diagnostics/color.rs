//! Whether to colour what covermap prints on a stream: `--color always|never` decide;
//! `auto` follows the conventions anstream follows (NO_COLOR set and non-empty turns
//! colour off, CLICOLOR_FORCE set, non-empty and not `0` turns it on, CLICOLOR=0 or
//! TERM=dumb turn it off), and otherwise colours a terminal only. A pure function of
//! its inputs, so each rule is tested without touching the process's environment.

use std::ffi::OsString;

/// What `--color` asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorWhen {
    /// Colour a terminal, unless the environment says otherwise.
    #[default]
    Auto,
    Always,
    Never,
}

/// The environment variables `auto` looks at.
#[derive(Clone, Debug, Default)]
pub struct ColorEnv {
    pub no_color: Option<OsString>,
    pub clicolor_force: Option<OsString>,
    pub clicolor: Option<OsString>,
    pub term: Option<OsString>,
}

impl ColorEnv {
    /// The process's own.
    pub fn read() -> Self {
        ColorEnv {
            no_color: std::env::var_os("NO_COLOR"),
            clicolor_force: std::env::var_os("CLICOLOR_FORCE"),
            clicolor: std::env::var_os("CLICOLOR"),
            term: std::env::var_os("TERM"),
        }
    }
}

/// Whether to colour a stream that is (or is not) a terminal.
pub fn wants_color(when: ColorWhen, is_terminal: bool, env: &ColorEnv) -> bool {
    let set = |v: &Option<OsString>| v.as_ref().is_some_and(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        // The order is anstream's: NO_COLOR wins over CLICOLOR_FORCE.
        ColorWhen::Auto if set(&env.no_color) => false,
        ColorWhen::Auto if set(&env.clicolor_force) && env.clicolor_force != Some("0".into()) => {
            true
        }
        ColorWhen::Auto if env.clicolor == Some("0".into()) => false,
        ColorWhen::Auto if env.term == Some("dumb".into()) => false,
        ColorWhen::Auto => is_terminal,
    }
}

/// The stream `stream` as an [`anstream::AutoStream`] that keeps colour when
/// `color` and removes it otherwise (on Windows, it also turns on the console's
/// escape codes).
pub fn stream<S: anstream::stream::RawStream>(stream: S, color: bool) -> anstream::AutoStream<S> {
    let choice = if color {
        anstream::ColorChoice::Always
    } else {
        anstream::ColorChoice::Never
    };
    anstream::AutoStream::new(stream, choice)
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::color::*;

    fn env(pairs: &[(&str, &str)]) -> ColorEnv {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        };
        ColorEnv {
            no_color: get("NO_COLOR"),
            clicolor_force: get("CLICOLOR_FORCE"),
            clicolor: get("CLICOLOR"),
            term: get("TERM"),
        }
    }

    /// The flag, whether the stream is a terminal, the environment, the answer, why.
    type Case<'a> = (ColorWhen, bool, &'a [(&'a str, &'a str)], bool, &'a str);

    #[test]
    fn the_flag_and_the_environment_choose_colour() {
        use ColorWhen::{Always, Auto, Never};
        let term = [("TERM", "xterm-256color")];
        #[rustfmt::skip]
        let cases: &[Case] = &[
            (Auto, true, &term, true, "a terminal"),
            (Auto, false, &term, false, "a pipe"),
            (Auto, true, &[("NO_COLOR", "1")], false, "NO_COLOR"),
            (Auto, true, &[("NO_COLOR", "")], true, "an empty NO_COLOR is not set"),
            (Auto, false, &[("CLICOLOR_FORCE", "1")], true, "CLICOLOR_FORCE on a pipe"),
            (Auto, false, &[("CLICOLOR_FORCE", "0")], false, "CLICOLOR_FORCE=0"),
            (Auto, false, &[("CLICOLOR_FORCE", "")], false, "an empty CLICOLOR_FORCE"),
            (Auto, true, &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], false, "NO_COLOR wins"),
            (Auto, true, &[("CLICOLOR", "0")], false, "CLICOLOR=0"),
            (Auto, true, &[("TERM", "dumb")], false, "a dumb terminal"),
            (Always, false, &[("NO_COLOR", "1")], true, "--color always"),
            (Never, true, &[("CLICOLOR_FORCE", "1")], false, "--color never"),
        ];
        for (when, is_terminal, vars, want, why) in cases {
            assert_eq!(wants_color(*when, *is_terminal, &env(vars)), *want, "{why}");
        }
    }
}
