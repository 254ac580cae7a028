//! The live race: the pure [`Race`] driven by a clock.
//!
//! A background task advances the race every lap interval and publishes an
//! immutable [`Snapshot`]; handlers load the latest one with a single atomic
//! read, so every response shows one consistent table, never a half-updated
//! one, and no handler ever waits for the simulation.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use rand_core::SeedableRng;

use super::RaceRng;
use super::grid::bahrain_2014;
use super::sim::{Race, Standings};

/// How many lap intervals a finished race stays on screen before the next
/// one starts, so that the chequered flag can be seen.
pub const FINISHED_HOLD_LAPS: u32 = 12;

/// One published state of the race.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The table.
    pub standings: Standings,
    /// 1 for the first race since start, then 2, 3, ...
    pub race_number: u32,
    /// When this snapshot was published, `HH:MM:SS` (UTC).
    pub updated_at: String,
}

/// A cheap handle on the latest snapshot.
#[derive(Debug, Clone)]
pub struct LiveRace {
    current: Arc<ArcSwap<Snapshot>>,
}

impl LiveRace {
    /// The latest snapshot.
    pub fn current(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }
}

/// The ticking side: owns the race and its randomness.
#[derive(Debug)]
pub struct Ticker {
    race: Race,
    rng: RaceRng,
    race_number: u32,
    held_laps: u32,
    live: LiveRace,
}

/// Starts a race on the grid; the same seed gives the same sequence of races.
pub fn start(seed: u64) -> (LiveRace, Ticker) {
    let race = Race::new(bahrain_2014());
    let first = Snapshot { standings: race.standings(), race_number: 1, updated_at: clock_time(SystemTime::now()) };
    let live = LiveRace { current: Arc::new(ArcSwap::from_pointee(first)) };
    let ticker = Ticker { race, rng: RaceRng::seed_from_u64(seed), race_number: 1, held_laps: 0, live: live.clone() };
    (live, ticker)
}

impl Ticker {
    /// One lap interval: advance the race (or hold the finished one, then
    /// start the next) and publish the result.
    pub fn tick(&mut self, now: SystemTime) {
        if self.race.is_finished() {
            self.held_laps += 1;
            if self.held_laps < FINISHED_HOLD_LAPS {
                return;
            }
            self.race = Race::new(bahrain_2014());
            self.race_number += 1;
            self.held_laps = 0;
        } else {
            self.race.advance_lap(&mut self.rng);
        }
        let snapshot =
            Snapshot { standings: self.race.standings(), race_number: self.race_number, updated_at: clock_time(now) };
        self.live.current.store(Arc::new(snapshot));
    }

    /// Ticks every `interval` until the task is dropped or aborted.
    pub async fn run(mut self, interval: Duration) {
        let mut timer = tokio::time::interval(interval);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        timer.tick().await; // the first tick is immediate: lap 0 is already published
        loop {
            timer.tick().await;
            self.tick(SystemTime::now());
        }
    }
}

/// `HH:MM:SS` in UTC, without a time-zone database.
pub fn clock_time(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_time_is_utc_hh_mm_ss() {
        let at = UNIX_EPOCH + Duration::from_secs(86_400 * 3 + 3600 * 13 + 60 * 5 + 9);
        assert_eq!(clock_time(at), "13:05:09");
    }

    #[test]
    fn a_finished_race_is_held_then_replaced() {
        let (live, mut ticker) = start(7);
        let now = SystemTime::now();
        let mut ticks = 0;
        while !live.current().standings.finished {
            ticker.tick(now);
            ticks += 1;
            assert!(ticks < 500, "the race never finished");
        }
        assert_eq!(live.current().race_number, 1);
        for _ in 1..FINISHED_HOLD_LAPS {
            ticker.tick(now);
            assert!(live.current().standings.finished, "held on screen");
        }
        ticker.tick(now);
        let next = live.current();
        assert_eq!((next.race_number, next.standings.lap, next.standings.finished), (2, 0, false));
    }

    #[test]
    fn the_same_seed_publishes_the_same_race() {
        let run = |seed| {
            let (live, mut ticker) = start(seed);
            (0..30)
                .map(|_| {
                    ticker.tick(UNIX_EPOCH);
                    live.current().standings.clone()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }
}
