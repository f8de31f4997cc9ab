//! Dates of birth as MIS exports and Excel write them, turned into YYYY-MM-DD. Schools here
//! write the day first, so 04/03/2015 is the 4th of March.

use chrono::{Datelike, NaiveDate};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reads a date of birth. `today` decides the century of two-digit years (the latest one not in
/// the future) and refuses dates after it. The error is the reason, for the rejected-rows list.
pub fn parse_date_of_birth(text: &str, today: NaiveDate) -> Result<String, String> {
    let text = text.trim();
    let date = read(text, today).ok_or_else(|| {
        format!("\"{text}\" is not a date Keyholder can read; write it as day/month/year, for example 04/03/2015")
    })??;
    if date > today {
        return Err(format!("\"{text}\" is in the future"));
    }
    if date.year() < 1900 {
        return Err(format!("\"{text}\" is too long ago to be a date of birth"));
    }
    // Written out directly: chrono's format string is read anew for every date, which showed
    // in the time of a 100,000-row import.
    Ok(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    ))
}

/// `None`: not in any format we know. `Some(Err)`: in a known format, but no such day.
fn read(text: &str, today: NaiveDate) -> Option<Result<NaiveDate, String>> {
    if let Some(d) = excel_serial(text) {
        return Some(Ok(d));
    }
    // A date alone (the usual case) has no time to take off, and is not copied.
    let date = if text.contains(|c: char| c.is_whitespace() || c == ':') {
        std::borrow::Cow::Owned(without_time(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    // "04 Mar 2015" and "4 March 2015" have spaces inside the date itself.
    let parts: Vec<&str> = if date.contains(|c: char| c.is_alphabetic()) {
        date.split([' ', '-', '/', '.', ','])
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        date.split(['/', '-', '.']).collect()
    };
    if parts.len() != 3 {
        return None;
    }
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = if parts[0].len() == 4 {
        (
            number(parts[0])? as i32,
            number(parts[1])?,
            number(parts[2])?,
        )
    } else {
        let month = match number(parts[1]) {
            Some(m) => m,
            None => month_by_name(parts[1])?,
        };
        let year = number(parts[2])?;
        let year = match parts[2].len() {
            4 => year as i32,
            2 => century(year as i32, today),
            _ => return None,
        };
        (year, month, number(parts[0])?)
    };
    Some(NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("\"{text}\" is not a real date")))
}

/// "2015-03-04 00:00:00", "04/03/2015 00:00" and "2015-03-04T00:00:00": Excel and MIS exports
/// add a midnight time to dates; it means nothing here.
fn without_time(text: &str) -> String {
    text.split_whitespace()
        .map(|token| match token.split_once('T') {
            Some((date, time)) if time.contains(':') => date,
            _ => token,
        })
        .filter(|token| {
            !token.contains(':')
                && !token.eq_ignore_ascii_case("am")
                && !token.eq_ignore_ascii_case("pm")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Mar", "March" or "Sept": at least three letters of the month's name.
fn month_by_name(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    if lower.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&lower))
        .map(|i| i as u32 + 1)
}

/// A two-digit year: the latest century that does not put the date after this year.
fn century(yy: i32, today: NaiveDate) -> i32 {
    let this = today.year();
    let candidate = this - this % 100 + yy;
    if candidate > this {
        candidate - 100
    } else {
        candidate
    }
}

/// Excel stores dates as days since 1899-12-30 (its 1900 leap-year mistake included), and a
/// cell formatted as General shows that number, e.g. 42067 for 2015-03-04.
fn excel_serial(text: &str) -> Option<NaiveDate> {
    let whole = text.strip_suffix(".0").unwrap_or(text);
    if whole.is_empty() || whole.len() > 6 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let days: i64 = whole.parse().ok()?;
    // Below 61 the serial runs into Excel's invented 29 February 1900; no pupil was born then.
    if days < 61 {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(days as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()
    }

    fn ok(text: &str) -> String {
        parse_date_of_birth(text, today()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn every_excel_and_mis_format() {
        for text in [
            "04/03/2015",
            "4/3/2015",
            "4/3/15",
            "04-03-2015",
            "04.03.2015",
            "2015-03-04",
            "2015/03/04",
            "04-Mar-2015",
            "4-mar-15",
            "04 Mar 2015",
            "4 March 2015",
            "42067",
            "42067.0",
            "04/03/2015 00:00",
            "2015-03-04 00:00:00",
            "2015-03-04T00:00:00",
            " 04/03/2015 ",
        ] {
            assert_eq!(ok(text), "2015-03-04", "{text}");
        }
    }

    #[test]
    fn two_digit_years_are_never_in_the_future() {
        assert_eq!(ok("01/01/25"), "2025-01-01");
        assert_eq!(ok("01/01/26"), "1926-01-01");
        assert_eq!(ok("01/01/99"), "1999-01-01");
    }

    #[test]
    fn impossible_and_unreadable_dates_say_why() {
        let e = parse_date_of_birth("31/02/2015", today()).unwrap_err();
        assert!(e.contains("not a real date"), "{e}");
        let e = parse_date_of_birth("next Tuesday", today()).unwrap_err();
        assert!(e.contains("day/month/year"), "{e}");
        let e = parse_date_of_birth("01/01/2031", today()).unwrap_err();
        assert!(e.contains("future"), "{e}");
        let e = parse_date_of_birth("01/01/1850", today()).unwrap_err();
        assert!(e.contains("too long ago"), "{e}");
        for text in [
            "",
            "12",
            "1/2",
            "1/2/3/4",
            "2015-13-01",
            "99999999",
            "ab/cd/efgh",
        ] {
            assert!(parse_date_of_birth(text, today()).is_err(), "{text}");
        }
    }

    #[test]
    fn month_names_need_three_letters() {
        assert_eq!(month_by_name("Sept"), Some(9));
        assert_eq!(month_by_name("Marching"), None);
        assert_eq!(month_by_name("Maé"), None);
        assert_eq!(month_by_name("September"), Some(9));
        assert_eq!(month_by_name("Sep"), Some(9));
        assert_eq!(month_by_name("Ma"), None);
    }
}
