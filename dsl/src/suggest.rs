//! "Did you mean …?" — the closest known name to a misspelt one.

/// The candidate closest to `wanted`, if it is close enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower: Vec<char> = wanted.to_lowercase().chars().collect();
    let limit = (wanted.chars().count() / 3).max(1);
    // One buffer for each candidate's letters and one row of the table, reused: an
    // input file with fields for other agreements asks this for each of them, against
    // every input, and the allocations took most of a one-offer command's time.
    let mut letters: Vec<char> = Vec::new();
    let mut row: Vec<usize> = Vec::new();
    candidates
        .into_iter()
        .filter(|c| *c != wanted)
        .filter_map(|c| {
            letters.clear();
            if c.is_ascii() {
                letters.extend(c.chars().map(|l| l.to_ascii_lowercase()));
            } else {
                letters.extend(c.to_lowercase().chars());
            }
            // At least this many edits: too far without counting them.
            if letters.len().abs_diff(wanted_lower.len()) > limit {
                return None;
            }
            let d = edits(&wanted_lower, &letters, &mut row);
            (d <= limit).then_some((d, c))
        })
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings, by characters.
#[cfg(test)]
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    edits(&a, &b, &mut Vec::new())
}

/// Levenshtein distance between two words, by characters, in one row of the table.
fn edits(a: &[char], b: &[char], row: &mut Vec<usize>) -> usize {
    row.clear();
    row.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        // `row` holds the previous line up to `j`, this line before it.
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            let substitution = diagonal + usize::from(ca != cb);
            row[j + 1] = substitution.min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_typo() {
        assert_eq!(
            closest("ocupancy", ["occupancy", "places"]),
            Some("occupancy")
        );
    }

    #[test]
    fn ignores_distant_names() {
        assert_eq!(closest("budget", ["occupancy", "places"]), None);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("flaw", "lawn"), 2);
        assert_eq!(distance("ærø", "aerø"), 2);
    }

    #[test]
    fn compares_without_case() {
        assert_eq!(
            closest("Ocupancy", ["occupancy", "places"]),
            Some("occupancy")
        );
        assert_eq!(closest("ocupancy", ["OCCUPANCY"]), Some("OCCUPANCY"));
        assert_eq!(closest("pladser", ["Pladsér", "x"]), Some("Pladsér"));
    }
}
