//! Durations as plan.toml writes them, `N days|weeks|months|years` ("12 months",
//! "1 week"): one parser for every key that takes one (`review_every`, `due_soon`,
//! `review --within`), so every place reads and rejects the same text the same way,
//! and calendar arithmetic that adds one to a date. Months and years move the month
//! and clamp the day to the month's end (2026-01-31 + 1 month = 2026-02-28).

use std::fmt;

use crate::date::Date;

/// The unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    /// The units as written, plural.
    pub const NAMES: [&str; 4] = ["days", "weeks", "months", "years"];

    fn name(self) -> &'static str {
        match self {
            Unit::Days => "day",
            Unit::Weeks => "week",
            Unit::Months => "month",
            Unit::Years => "year",
        }
    }
}

/// `n` units of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    pub n: u32,
    pub unit: Unit,
}

/// Why a text is not a duration: the message, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    pub message: String,
    pub help: String,
}

const FORM: &str =
    "write a duration as `N days`, `N weeks`, `N months` or `N years`, such as \"12 months\"";

/// The largest number a duration takes: a century of days is more than any review
/// period, and keeps date arithmetic far from overflow.
const MAX_N: u32 = 36_600;

impl Duration {
    pub const fn days(n: u32) -> Self {
        Duration {
            n,
            unit: Unit::Days,
        }
    }

    /// Parses `N unit`: N a whole number, the unit singular or plural, any case, any
    /// spaces around and between.
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let shown = crate::diagnostics::printable(text.trim());
        let err = |message: String, help: String| DurationError { message, help };
        let mut words = text.split_whitespace();
        let (Some(number), Some(word), None) = (words.next(), words.next(), words.next()) else {
            // "12months" is one word: split the digits from the unit.
            let t = text.trim();
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && digits < t.len() && !t.contains(char::is_whitespace) {
                return Duration::parse(&format!("{} {}", &t[..digits], &t[digits..]));
            }
            return Err(err(
                format!("`{shown}` is not a duration"),
                FORM.to_string(),
            ));
        };
        let n: u32 = match number.parse() {
            Ok(n) if n <= MAX_N => n,
            Ok(_) | Err(_) if number.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(err(
                    format!("`{shown}` is longer than covermap counts"),
                    format!("use at most {MAX_N} of a unit, such as \"2 years\""),
                ));
            }
            _ => {
                return Err(err(
                    format!(
                        "`{shown}`: `{}` is not a whole number",
                        crate::diagnostics::printable(number)
                    ),
                    FORM.to_string(),
                ));
            }
        };
        let lower = word.to_lowercase();
        let unit = match lower.as_str() {
            "day" | "days" => Unit::Days,
            "week" | "weeks" => Unit::Weeks,
            "month" | "months" => Unit::Months,
            "year" | "years" => Unit::Years,
            _ => {
                let help = crate::diagnostics::suggest(&lower, Unit::NAMES)
                    .map(|s| format!("{s} (the units are days, weeks, months and years)"))
                    .unwrap_or_else(|| FORM.to_string());
                return Err(err(
                    format!(
                        "`{shown}`: `{}` is not a unit of time",
                        crate::diagnostics::printable(word)
                    ),
                    help,
                ));
            }
        };
        Ok(Duration { n, unit })
    }

    /// The day `self` after `date`; months and years clamp the day to the month's end.
    pub fn after(self, date: Date) -> Date {
        match self.unit {
            Unit::Days => add_days(date, i64::from(self.n)),
            Unit::Weeks => add_days(date, 7 * i64::from(self.n)),
            Unit::Months => add_months(date, self.n),
            Unit::Years => add_months(date, 12 * self.n),
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.n == 1 { "" } else { "s" };
        write!(f, "{} {}{s}", self.n, self.unit.name())
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), the inverse of
/// [`Date::from_days_since_epoch`].
fn days_since_epoch(d: Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(d.month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn add_days(d: Date, n: i64) -> Date {
    Date::from_days_since_epoch(days_since_epoch(d) + n)
}

fn add_months(d: Date, n: u32) -> Date {
    let months = i64::from(d.month - 1) + i64::from(n);
    let year = d.year + (months / 12) as i32;
    let month = (months % 12) as u8 + 1;
    // The last valid day of the month, from day 31 down.
    (1..=d.day)
        .rev()
        .find_map(|day| Date::new(year, month, day))
        .unwrap_or(d)
}

/// Whole days from `a` to `b` (negative when `b` is before `a`).
pub fn days_between(a: Date, b: Date) -> i64 {
    days_since_epoch(b) - days_since_epoch(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_every_unit_singular_and_plural() {
        let cases = [
            ("12 months", 12, Unit::Months),
            ("1 month", 1, Unit::Months),
            ("30 days", 30, Unit::Days),
            ("1 day", 1, Unit::Days),
            ("2 Weeks", 2, Unit::Weeks),
            ("  1   year ", 1, Unit::Years),
            ("3 years", 3, Unit::Years),
            ("0 days", 0, Unit::Days),
            ("6months", 6, Unit::Months),
        ];
        for (text, n, unit) in cases {
            assert_eq!(Duration::parse(text), Ok(Duration { n, unit }), "{text}");
        }
    }

    #[test]
    fn rejects_with_a_reason_and_did_you_mean() {
        let e = Duration::parse("12 moths").unwrap_err();
        assert!(e.message.contains("`moths` is not a unit"), "{e:?}");
        assert!(e.help.contains("did you mean `months`?"), "{e:?}");
        let e = Duration::parse("twelve months").unwrap_err();
        assert!(e.message.contains("not a whole number"), "{e:?}");
        for bad in ["", "12", "months", "1 2 months", "-1 days", "1.5 months"] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
        let e = Duration::parse("99999999999 days").unwrap_err();
        assert!(e.message.contains("longer than"), "{e:?}");
    }

    #[test]
    fn shows_as_written() {
        assert_eq!(Duration::parse("1 months").unwrap().to_string(), "1 month");
        assert_eq!(
            Duration::parse("12 month").unwrap().to_string(),
            "12 months"
        );
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        let m = |n| Duration {
            n,
            unit: Unit::Months,
        };
        assert_eq!(m(1).after(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(m(1).after(d("2028-01-31")), d("2028-02-29"));
        assert_eq!(m(3).after(d("2026-11-30")), d("2027-02-28"));
        assert_eq!(m(12).after(d("2026-09-01")), d("2027-09-01"));
        assert_eq!(m(14).after(d("2026-12-15")), d("2028-02-15"));
        let y = Duration {
            n: 1,
            unit: Unit::Years,
        };
        assert_eq!(y.after(d("2024-02-29")), d("2025-02-28"));
    }

    #[test]
    fn days_and_weeks_cross_months_and_years() {
        assert_eq!(Duration::days(30).after(d("2026-11-01")), d("2026-12-01"));
        assert_eq!(Duration::days(1).after(d("2026-12-31")), d("2027-01-01"));
        assert_eq!(Duration::days(1).after(d("2024-02-28")), d("2024-02-29"));
        let w = Duration {
            n: 2,
            unit: Unit::Weeks,
        };
        assert_eq!(w.after(d("2026-02-20")), d("2026-03-06"));
        assert_eq!(days_between(d("2026-11-01"), d("2026-12-01")), 30);
        assert_eq!(days_between(d("2026-12-01"), d("2026-11-01")), -30);
    }

    #[test]
    fn epoch_days_invert_the_calendar() {
        for n in [-1000_i64, 0, 11_016, 20_756, 60_000] {
            let date = Date::from_days_since_epoch(n);
            assert_eq!(days_since_epoch(date), n, "{date}");
        }
    }
}
