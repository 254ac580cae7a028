//! Deciding a goal from one run: "met", "not met (by X)", or "this run
//! cannot tell" when the run's noise is larger than the distance between
//! the figure and the goal's line. Pure: numbers in, a verdict out.

/// A goal on a ratio (or on a time, in the same unit as the figure).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Goal {
    /// At least this (req/s against nginx).
    AtLeast(f64),
    /// At most this (CPU per request against the baseline; startup).
    AtMost(f64),
    /// Within this of 1 either way (0.15: between 0.85× and 1.15×).
    Within(f64),
}

/// What one run says about a goal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Verdict {
    Met,
    /// Missed by this much (in the figure's unit).
    NotMet(f64),
    /// The noise is larger than the margin, either way.
    CannotTell {
        margin: f64,
        noise: f64,
    },
}

/// How far `value` is on the right side of `goal`'s line: negative when on
/// the wrong side.
pub(crate) fn margin(value: f64, goal: Goal) -> f64 {
    match goal {
        Goal::AtLeast(min) => value - min,
        Goal::AtMost(max) => max - value,
        Goal::Within(tolerance) => tolerance - (value - 1.0).abs(),
    }
}

/// Judges `value` against `goal`, given how far two identical measurements
/// of this run differ (`noise`, in the figure's unit, ≥ 0).
pub(crate) fn judge(value: f64, goal: Goal, noise: f64) -> Verdict {
    let margin = margin(value, goal);
    if !margin.is_finite() || !noise.is_finite() || margin.abs() < noise {
        return Verdict::CannotTell { margin, noise };
    }
    if margin >= 0.0 { Verdict::Met } else { Verdict::NotMet(-margin) }
}

impl Verdict {
    /// The verdict as the report writes it, amounts formatted by `unit`.
    pub(crate) fn render(&self, unit: impl Fn(f64) -> String) -> String {
        match *self {
            Verdict::Met => "met".to_owned(),
            Verdict::NotMet(by) => format!("not met (by {})", unit(by)),
            Verdict::CannotTell { margin, noise } => format!(
                "this run cannot tell (the figure is {} from the goal's line, the noise {})",
                unit(margin.abs()),
                unit(noise)
            ),
        }
    }
}

/// `0.05×`: an amount on a ratio.
pub(crate) fn times(amount: f64) -> String {
    if amount.is_finite() { format!("{amount:.2}×") } else { "?".to_owned() }
}

/// The noise of a ratio, from two identical servers: how far their ratio
/// over the whole run is from 1, or, when their rounds disagree more than
/// that, the standard error of their per-round ratios (a twin that came out
/// at 1.00× by luck does not make a run look precise).
pub(crate) fn noise_of(whole_run: f64, per_round: &[f64]) -> f64 {
    let n = per_round.len() as f64;
    let standard_error = if per_round.len() < 2 {
        0.0
    } else {
        let mean = per_round.iter().sum::<f64>() / n;
        let variance = per_round.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (variance / n).sqrt()
    };
    (whole_run - 1.0).abs().max(standard_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_clear_of_the_noise_is_met_or_missed() {
        assert_eq!(judge(1.25, Goal::AtLeast(1.0), 0.05), Verdict::Met);
        assert!(matches!(judge(0.80, Goal::AtLeast(1.0), 0.05), Verdict::NotMet(by) if (by - 0.20).abs() < 1e-9));
        assert_eq!(judge(1.02, Goal::AtMost(1.1), 0.03), Verdict::Met);
        assert!(matches!(judge(1.30, Goal::AtMost(1.1), 0.03), Verdict::NotMet(by) if (by - 0.20).abs() < 1e-9));
        assert_eq!(judge(0.95, Goal::Within(0.15), 0.02), Verdict::Met);
        assert_eq!(judge(1.10, Goal::Within(0.15), 0.02), Verdict::Met);
        assert!(matches!(judge(0.70, Goal::Within(0.15), 0.02), Verdict::NotMet(by) if (by - 0.15).abs() < 1e-9));
        assert!(matches!(judge(1.20, Goal::Within(0.15), 0.02), Verdict::NotMet(by) if (by - 0.05).abs() < 1e-9));
    }

    #[test]
    fn a_figure_within_the_noise_of_the_line_cannot_tell_either_way() {
        assert!(matches!(judge(1.03, Goal::AtLeast(1.0), 0.05), Verdict::CannotTell { .. }));
        assert!(matches!(judge(0.97, Goal::AtLeast(1.0), 0.05), Verdict::CannotTell { .. }));
        assert!(matches!(judge(1.12, Goal::AtMost(1.1), 0.05), Verdict::CannotTell { .. }));
        assert!(matches!(judge(0.88, Goal::Within(0.15), 0.05), Verdict::CannotTell { .. }));
        assert!(matches!(judge(f64::NAN, Goal::AtLeast(1.0), 0.0), Verdict::CannotTell { .. }));
        assert!(matches!(judge(1.5, Goal::AtLeast(1.0), f64::INFINITY), Verdict::CannotTell { .. }));
        // No noise: only the line decides.
        assert_eq!(judge(9.0, Goal::AtMost(10.0), 0.0), Verdict::Met);
    }

    #[test]
    fn verdicts_read_as_sentences() {
        assert_eq!(Verdict::Met.render(times), "met");
        assert_eq!(Verdict::NotMet(0.2).render(times), "not met (by 0.20×)");
        let unsure = judge(0.98, Goal::AtLeast(1.0), 0.06).render(times);
        assert_eq!(unsure, "this run cannot tell (the figure is 0.02× from the goal's line, the noise 0.06×)");
    }

    #[test]
    fn noise_is_the_twins_distance_or_its_rounds_disagreement() {
        assert!((noise_of(0.94, &[]) - 0.06).abs() < 1e-9);
        assert!((noise_of(1.04, &[1.0]) - 0.04).abs() < 1e-9);
        // Rounds that agree: the whole run's distance stands.
        assert!((noise_of(0.97, &[0.96, 0.97, 0.98]) - 0.03).abs() < 1e-9);
        // A lucky 1.00× over rounds of 0.8× and 1.2×: sd 0.2828, over √2.
        assert!((noise_of(1.0, &[0.8, 1.2]) - 0.2).abs() < 1e-9);
    }
}
