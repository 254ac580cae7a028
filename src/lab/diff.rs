//! A line diff (longest common subsequence), enough to show how a typed
//! policy differs from the shipped one. Inputs are bounded by the editor's
//! limit, so the quadratic table stays small.

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line<'a> {
    /// In both texts.
    Same(&'a str),
    /// Only in the old text.
    Removed(&'a str),
    /// Only in the new text.
    Added(&'a str),
}

impl Line<'_> {
    /// `" "`, `"-"` or `"+"`, as `diff -u` marks it.
    pub fn mark(&self) -> &'static str {
        match self {
            Line::Same(_) => " ",
            Line::Removed(_) => "-",
            Line::Added(_) => "+",
        }
    }

    /// The line's text.
    pub fn text(&self) -> &str {
        match self {
            Line::Same(t) | Line::Removed(t) | Line::Added(t) => t,
        }
    }

    /// `same`, `removed` or `added` (a CSS class).
    pub fn kind(&self) -> &'static str {
        match self {
            Line::Same(_) => "same",
            Line::Removed(_) => "removed",
            Line::Added(_) => "added",
        }
    }
}

/// The lines of `new` against `old`, in order.
pub fn diff<'a>(old: &'a str, new: &'a str) -> Vec<Line<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(Line::Same(a[i]));
            (i, j) = (i + 1, j + 1);
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(Line::Removed(a[i]));
            i += 1;
        } else {
            out.push(Line::Added(b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| Line::Removed(l)));
    out.extend(b[j..].iter().map(|l| Line::Added(l)));
    out
}

/// Whether the diff changes anything.
pub fn changes(lines: &[Line<'_>]) -> bool {
    lines.iter().any(|l| !matches!(l, Line::Same(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_is_removed_then_added_and_the_rest_kept() {
        let lines = diff("a\nb\nc\n", "a\nB\nc\nd\n");
        let marked: Vec<String> = lines.iter().map(|l| format!("{}{}", l.mark(), l.text())).collect();
        assert_eq!(marked, [" a", "-b", "+B", " c", "+d"]);
        assert!(changes(&lines));
    }

    #[test]
    fn equal_texts_have_no_changes() {
        assert!(!changes(&diff("x\ny", "x\ny\n")));
        assert_eq!(diff("", "a"), [Line::Added("a")]);
        assert_eq!(diff("a", ""), [Line::Removed("a")]);
    }
}
