//! Timing-screen snapshots of a [`Race`]: owned, cheap to clone, no borrows.

use super::{Car, Race};
use std::cmp::Ordering;

/// A read-only snapshot of the race, cheap to clone and free of borrows.
#[derive(Debug, Clone, PartialEq)]
pub struct Standings {
    /// Event name, e.g. `"2014 Bahrain Grand Prix"`.
    pub grand_prix: &'static str,
    /// Circuit name and location.
    pub circuit: &'static str,
    /// Laps completed by the leader (0 before the start).
    pub lap: u32,
    /// Race distance in laps.
    pub total_laps: u32,
    /// Whether the chequered flag has fallen.
    pub finished: bool,
    /// One row per driver, ordered by position.
    pub rows: Vec<Row>,
    /// Fastest lap so far, if any lap has been completed.
    pub fastest_lap: Option<FastestLap>,
}

/// One line of the timing screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Position, 1-based.
    pub position: u32,
    /// Car number.
    pub number: u32,
    /// Three-letter code, e.g. `"HAM"`.
    pub code: &'static str,
    /// Full driver name.
    pub driver: &'static str,
    /// Team name.
    pub team: &'static str,
    /// `"Grid"` before the start, `"Leader"`, `"+3.214s"`, `"+1 Lap"`,
    /// `"+2 Laps"` or `"DNF"`.
    pub gap: String,
    /// Laps completed.
    pub laps: u32,
    /// Pit stops made.
    pub pit_stops: u32,
    /// Whether the car has retired.
    pub retired: bool,
}

/// The fastest single lap of the race so far.
#[derive(Debug, Clone, PartialEq)]
pub struct FastestLap {
    /// Full driver name.
    pub driver: &'static str,
    /// Three-letter code.
    pub code: &'static str,
    /// Lap number on which it was set.
    pub lap: u32,
    /// Lap time formatted as `"1:38.123"`.
    pub time: String,
}

impl Race {
    /// Snapshot of the timing screen.
    #[must_use]
    pub fn standings(&self) -> Standings {
        let mut order: Vec<&Car> = self.cars.iter().collect();
        // Stable sort over grid order, so full ties (lap 0) keep the grid.
        order.sort_by(|a, b| classify(a, b));
        let leader = order.first().copied().filter(|c| c.retired.is_none());
        let rows = order.iter().zip(1..).map(|(car, position)| Row {
            position,
            number: car.driver.number,
            code: car.driver.code,
            driver: car.driver.name,
            team: car.driver.team.name,
            gap: self.gap(car, leader),
            laps: car.laps,
            pit_stops: car.pit_stops,
            retired: car.retired.is_some(),
        });
        Standings {
            grand_prix: self.gp.name,
            circuit: self.gp.circuit,
            lap: self.lap,
            total_laps: self.gp.laps,
            finished: self.finished,
            rows: rows.collect(),
            fastest_lap: self.fastest.map(|b| FastestLap {
                driver: b.driver.name,
                code: b.driver.code,
                lap: b.lap,
                time: format_lap_time(b.time),
            }),
        }
    }

    /// Timing-screen gap: lapped cars show whole laps, as the seconds to
    /// the leader would mean nothing once he has gone round again.
    fn gap(&self, car: &Car, leader: Option<&Car>) -> String {
        if car.retired.is_some() {
            return "DNF".to_owned();
        }
        if self.lap == 0 {
            return "Grid".to_owned();
        }
        match leader {
            Some(l) if std::ptr::eq(l, car) => "Leader".to_owned(),
            Some(l) if l.laps > car.laps => match l.laps - car.laps {
                1 => "+1 Lap".to_owned(),
                n => format!("+{n} Laps"),
            },
            Some(l) => format!("+{:.3}s", (car.time - l.time).max(0.0)),
            None => "—".to_owned(),
        }
    }
}

/// Running cars first (more laps, then less time), then retired cars: those
/// that covered more distance first, later retirements ahead of earlier ones.
fn classify(a: &Car, b: &Car) -> Ordering {
    match (a.retired, b.retired) {
        (None, None) => b.laps.cmp(&a.laps).then(a.time.total_cmp(&b.time)),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => b.laps.cmp(&a.laps).then(y.cmp(&x)),
    }
}

/// Formats seconds as `m:ss.mmm`, e.g. `97.02` → `"1:37.020"`.
pub(super) fn format_lap_time(seconds: f64) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    format!("{}:{:02}.{:03}", ms / 60_000, ms % 60_000 / 1000, ms % 1000)
}
