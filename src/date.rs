//! Calendar dates (`YYYY-MM-DD`) as front matter and the plan write them, and today's
//! date for freshness. Only whole days matter to covermap, so a small civil-date type
//! avoids a time-zone library and the TOML-date pitfalls of the big ones.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`; a TOML or RFC 3339 date-time is accepted and its time ignored.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let date = s.get(..10)?;
        let rest = &s[10..];
        if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
            return None;
        }
        let b = date.as_bytes();
        if b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = date.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        Date::new(num(0..4)? as i32, num(5..7)? as u8, num(8..10)? as u8)
    }

    /// Today in UTC.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written by hand: every asset's dates are shown on pages and in exports, and
        // padded `write!` formatting is slow next to ten bytes.
        if let (Ok(year @ 0..=9999), 1..=12, 1..=31) =
            (u16::try_from(self.year), self.month, self.day)
        {
            let digit = |n: u16| b'0' + (n % 10) as u8;
            let (m, d) = (u16::from(self.month), u16::from(self.day));
            let text = [
                digit(year / 1000),
                digit(year / 100),
                digit(year / 10),
                digit(year),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(d / 10),
                digit(d),
            ];
            // ASCII digits and dashes.
            return f.pad(std::str::from_utf8(&text).unwrap_or_default());
        }
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_and_rejects_invalid() {
        let cases = [
            ("2026-11-01", Some((2026, 11, 1))),
            ("2024-02-29", Some((2024, 2, 29))),
            ("2026-03-01T09:00:00Z", Some((2026, 3, 1))),
            ("2025-02-29", None),
            ("2026-13-01", None),
            ("2026-1-01", None),
            ("26-11-01", None),
            ("yesterday", None),
            ("2026-11-01x", None),
            ("", None),
        ];
        for (input, want) in cases {
            let got = Date::parse(input).map(|d| (d.year, d.month, d.day));
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn epoch_days_round_trip_known_dates() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        let d = |year, month, day| Date { year, month, day }.to_string();
        assert_eq!(d(5, 3, 9), "0005-03-09");
        assert_eq!(d(2026, 12, 31), "2026-12-31");
        assert_eq!(d(12345, 1, 2), "12345-01-02");
        assert_eq!(
            format!(
                "{:>12}",
                Date {
                    year: 2026,
                    month: 1,
                    day: 2
                }
            ),
            "  2026-01-02"
        );
        assert_eq!(
            Date::from_days_since_epoch(20_756).to_string(),
            "2026-10-30"
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
    }

    #[test]
    fn orders_by_calendar() {
        assert!(Date::parse("2026-10-31") < Date::parse("2026-11-01"));
    }
}
