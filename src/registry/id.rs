//! The ID rules: ASCII letters, digits and `_ - . :`, starting and ending with
//! a letter or digit. IDs are case-sensitive.

/// Why an ID breaks the rules, or `None` when it is valid.
pub fn check(id: &str) -> Option<String> {
    let Some(first) = id.chars().next() else {
        return Some("an ID cannot be empty".into());
    };
    if let Some(bad) = id.chars().find(|&c| !is_id_char(c)) {
        return Some(format!(
            "`{bad}` is not allowed (IDs use ASCII letters, digits and `_ - . :`)"
        ));
    }
    let last = id.chars().next_back().unwrap_or(first);
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Some("an ID must start and end with a letter or digit".into());
    }
    None
}

/// Whether `c` may appear inside an ID.
pub fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn follows_the_contract() {
        for ok in ["toll-1988", "a", "ncri_us.2021", "un:2020", "A1"] {
            assert_eq!(check(ok), None, "{ok}");
        }
        for bad in ["", "-a", "a-", "a b", "é", "a/b", "_a", "a."] {
            assert!(check(bad).is_some(), "{bad}");
        }
    }
}
