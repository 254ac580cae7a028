//! Lap-by-lap race simulation.
//!
//! Internally the race is a small discrete-event simulation: every running
//! car has one pending event (crossing the line, or retiring part-way round
//! the lap), and events are applied in chronological order. Overtakes are
//! therefore never scripted: they emerge from cumulative race time, and so
//! does lapping. One call to [`Race::advance_lap`] runs the clock until the
//! whole lead lap has crossed the line once more (or the leader is about to
//! start yet another lap), which is what a timing screen shows "after lap N".

use super::grid::{Driver, GrandPrix};
use rand_core::RngCore as Rng;

mod standings;

pub use standings::{FastestLap, Row, Standings};

/// Extra seconds on lap 1: a standing start is much slower than a flying lap.
const START_LOSS: f64 = 5.0;
/// Seconds between consecutive grid slots when the lights go out.
const GRID_STAGGER: f64 = 0.25;
/// Amplitude of the extra lap-1 noise: starts reshuffle the field.
const START_SPREAD: f64 = 1.5;
/// Amplitude of the ordinary lap-to-lap noise (traffic, mistakes, wind).
const LAP_SPREAD: f64 = 0.8;
/// Seconds lost per lap of tyre age: what makes a pit stop worth its cost.
const TYRE_WEAR: f64 = 0.07;
/// Seconds gained per completed lap as fuel burns off.
const FUEL_GAIN: f64 = 0.035;
/// Up to this many extra seconds for a slow stop.
const PIT_JITTER: f64 = 1.5;
/// Chance of retiring on any one lap: ~1.5 retirements per 22-car race.
const RETIRE_CHANCE: f64 = 0.0012;
/// Floor on lap times, so no combination of noise can stall or reverse time.
const MIN_LAP: f64 = 60.0;

#[derive(Debug, Clone, PartialEq)]
struct Car {
    driver: &'static Driver,
    /// Race time at the car's last crossing of the line.
    time: f64,
    laps: u32,
    /// Duration of the lap in progress, decided when it started.
    next_lap: f64,
    /// Race time at which the car will stop on track, if it will this lap.
    retire_at: Option<f64>,
    /// Planned in-laps, ascending.
    pit_laps: Vec<u32>,
    /// Whether the lap in progress ends in the pit lane.
    pitting: bool,
    pit_stops: u32,
    tyre_age: u32,
    /// Retirement sequence number (0 = first car to retire).
    retired: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Best {
    driver: &'static Driver,
    lap: u32,
    time: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    Cross,
    Retire,
}

/// The whole state of one race. Pure: no clock, no I/O, no global state;
/// every random draw comes from the generator passed to [`Race::advance_lap`].
#[derive(Debug, Clone, PartialEq)]
pub struct Race {
    gp: &'static GrandPrix,
    cars: Vec<Car>,
    lap: u32,
    started: bool,
    finished: bool,
    retirements: u32,
    fastest: Option<Best>,
}

impl Race {
    /// A race on the grid: lap 0, grid order, nobody retired.
    #[must_use]
    pub fn new(gp: &'static GrandPrix) -> Race {
        let cars = gp.drivers.iter().map(|driver| Car {
            driver,
            time: 0.0,
            laps: 0,
            next_lap: 0.0,
            retire_at: None,
            pit_laps: Vec::new(),
            pitting: false,
            pit_stops: 0,
            tyre_age: 0,
            retired: None,
        });
        Race { gp, cars: cars.collect(), lap: 0, started: false, finished: false, retirements: 0, fastest: None }
    }

    /// The Grand Prix being raced.
    #[must_use]
    pub fn grand_prix(&self) -> &'static GrandPrix {
        self.gp
    }

    /// Laps completed by the leader; never above [`Race::total_laps`].
    #[must_use]
    pub fn lap(&self) -> u32 {
        self.lap
    }

    /// Race distance in laps.
    #[must_use]
    pub fn total_laps(&self) -> u32 {
        self.gp.laps
    }

    /// Whether the race is over (chequered flag, or no car left running).
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Simulates the next lap: afterwards the leader has completed one more
    /// lap and every car on the lead lap has too. Does nothing once finished.
    pub fn advance_lap(&mut self, rng: &mut impl Rng) {
        if self.finished {
            return;
        }
        if !self.started {
            self.start(rng);
        }
        let target = self.lap + 1;
        loop {
            let mut running = self.cars.iter().filter(|c| c.retired.is_none());
            if running.all(|c| c.laps >= target) {
                return;
            }
            let Some((idx, event)) = self.next_event() else {
                self.finished = true; // every car has retired
                return;
            };
            let Some(car) = self.cars.get_mut(idx) else {
                return;
            };
            match event {
                Event::Retire => {
                    car.retired = Some(self.retirements);
                    car.retire_at = None;
                    self.retirements += 1;
                }
                // The leader is about to start another lap: the snapshot is
                // taken just before, so the lapped cars stay a lap down.
                Event::Cross if car.laps >= target => return,
                Event::Cross => {
                    cross_line(car, &mut self.fastest);
                    self.lap = self.lap.max(car.laps);
                    if self.lap >= self.gp.laps {
                        self.take_flag();
                        return;
                    }
                    plan_lap(car, self.gp, rng);
                }
            }
        }
    }

    /// Lights out: fixes every car's strategy and its first lap, in grid
    /// order so the random draws are always consumed in the same sequence.
    fn start(&mut self, rng: &mut impl Rng) {
        for (slot, car) in self.cars.iter_mut().enumerate() {
            car.pit_laps = plan_stops(self.gp.laps, rng);
            plan_lap(car, self.gp, rng);
            let start = START_LOSS + GRID_STAGGER * slot as f64 + noise(rng, START_SPREAD);
            car.next_lap = (car.next_lap + start).max(MIN_LAP);
        }
        self.started = true;
    }

    /// Earliest pending event; ties go to the car higher on the grid.
    fn next_event(&self) -> Option<(usize, Event)> {
        let running = self.cars.iter().enumerate();
        let events = running.filter(|(_, c)| c.retired.is_none()).map(|(i, c)| match c.retire_at {
            Some(t) => (i, t, Event::Retire),
            None => (i, c.time + c.next_lap, Event::Cross),
        });
        events.min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0))).map(|(i, _, event)| (i, event))
    }

    /// Chequered flag: every running car finishes the lap it is on and is
    /// classified; a mechanical failure on that last lap is not simulated.
    fn take_flag(&mut self) {
        for car in &mut self.cars {
            if car.retired.is_none() && car.laps < self.gp.laps {
                cross_line(car, &mut self.fastest);
            }
        }
        self.finished = true;
    }
}

/// Completes the lap in progress and records it against the fastest lap.
fn cross_line(car: &mut Car, fastest: &mut Option<Best>) {
    car.laps += 1;
    car.time += car.next_lap;
    if car.pitting {
        car.pit_stops += 1;
        car.tyre_age = 0;
    } else {
        car.tyre_age += 1;
    }
    if fastest.is_none_or(|b| car.next_lap < b.time) {
        *fastest = Some(Best { driver: car.driver, lap: car.laps, time: car.next_lap });
    }
}

/// Decides the lap the car is starting: its duration, whether it pits at the
/// end of it, and whether it breaks down on the way.
fn plan_lap(car: &mut Car, gp: &GrandPrix, rng: &mut impl Rng) {
    let d = car.driver;
    let mut t = gp.base_lap + d.team.pace + d.skill + noise(rng, LAP_SPREAD) + TYRE_WEAR * f64::from(car.tyre_age)
        - FUEL_GAIN * f64::from(car.laps);
    car.pitting = car.pit_laps.contains(&(car.laps + 1));
    if car.pitting {
        t += gp.pit_loss + PIT_JITTER * unit(rng);
    }
    car.next_lap = t.max(MIN_LAP);
    car.retire_at = None;
    if unit(rng) < RETIRE_CHANCE {
        car.retire_at = Some(car.time + car.next_lap * unit(rng));
    }
}

/// Two or three in-laps spread over the race, a few laps either side of an
/// even split so strategies differ from car to car.
fn plan_stops(laps: u32, rng: &mut impl Rng) -> Vec<u32> {
    let stops: u32 = if unit(rng) < 0.6 { 2 } else { 3 };
    let mut plan = Vec::with_capacity(3);
    let mut prev = 0;
    for k in 1..=stops {
        let ideal = laps.saturating_mul(k) / (stops + 1);
        let lap = ideal.saturating_add_signed(between(rng, -3, 3)).max(prev + 4).min(laps.saturating_sub(2));
        if lap > prev {
            plan.push(lap);
            prev = lap;
        }
    }
    plan
}

/// Triangular noise in `(-amplitude, amplitude)`, centred on zero.
fn noise(rng: &mut impl Rng, amplitude: f64) -> f64 {
    let a = unit(rng);
    let b = unit(rng);
    (a - b) * amplitude
}

#[cfg(test)]
mod tests;

/// A uniform `f64` in [0, 1) from the generator's top 53 bits: the
/// simulation's own arithmetic, so a seed means the same race whatever
/// library version samples it.
fn unit(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in `lo..=hi` (the modulo's bias is below 1e-18 for
/// these small spans).
fn between(rng: &mut impl Rng, lo: i32, hi: i32) -> i32 {
    let span = u64::from(hi.abs_diff(lo)) + 1;
    // `span` is at most 2^32, so the remainder fits an i64 with `lo`.
    (i64::from(lo) + (rng.next_u64() % span) as i64) as i32
}
