//! Race simulation: the pure core of the live race-results page.
//!
//! Nothing in here has a clock, performs I/O, spawns threads or touches
//! global state. The application owns a [`Race`], and its ticker decides
//! when to call [`Race::advance_lap`], passing in the random generator;
//! readers take cheap [`Standings`] snapshots. Seeding that generator
//! ([`RaceRng`], xoshiro256++ by name, with the simulation's own
//! arithmetic from its raw `u64`s: no library's distribution code in
//! between) replays exactly the same race on every build.
//!
//! - [`grid`]: static data of the default race, the 2014 Bahrain Grand Prix.
//! - [`sim`]: the lap-by-lap simulation and its snapshot types.
//! - [`live`]: the clocked side: a ticker task publishing snapshots (the
//!   only part that knows about time and tokio).

pub mod grid;
pub mod sim;

pub use grid::{Driver, GrandPrix, Team, bahrain_2014};
pub use sim::{FastestLap, Race, Row, Standings};

pub mod live;

/// The race's random generator: xoshiro256++ by name (`rand_xoshiro`,
/// whose output is fixed by the algorithm), so that the same `--seed`
/// replays the same race on every build; `rand`'s `StdRng` may change its
/// algorithm in any release, and its distributions their arithmetic.
pub type RaceRng = rand_xoshiro::Xoshiro256PlusPlus;
pub use live::{LiveRace, Snapshot, Ticker};
