//! Static data of the default race: the 2014 Bahrain Grand Prix (Sakhir).
//!
//! Everything here is `'static` and compile-time checked, so the simulation
//! can hand out `&'static str` names without allocating or looking anything
//! up at run time. Pace and skill values are plausible 2014 figures, not
//! official data: they only need to make Mercedes clearly fastest and
//! Caterham/Marussia slowest.

/// A constructor taking part in the race.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Team {
    /// Short team name as shown on timing screens, e.g. `"Mercedes"`.
    pub name: &'static str,
    /// Seconds per lap the car is slower than the fastest car (Mercedes = 0).
    pub pace: f64,
}

/// A driver and the car he races.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Driver {
    /// Car number.
    pub number: u32,
    /// Three-letter timing code, e.g. `"HAM"`.
    pub code: &'static str,
    /// Full name with its proper accents, e.g. `"Kimi Räikkönen"`.
    pub name: &'static str,
    /// The driver's team.
    pub team: &'static Team,
    /// Seconds per lap relative to an average driver (negative = faster).
    pub skill: f64,
}

/// Everything the simulation needs to know about one Grand Prix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrandPrix {
    /// Event name, e.g. `"2014 Bahrain Grand Prix"`.
    pub name: &'static str,
    /// Circuit name and location.
    pub circuit: &'static str,
    /// Race distance in laps.
    pub laps: u32,
    /// Flying lap of the fastest car on fresh tyres and full tanks, in seconds.
    pub base_lap: f64,
    /// Time lost by driving through the pit lane and stopping, in seconds.
    pub pit_loss: f64,
    /// Every team entered.
    pub teams: &'static [Team],
    /// Every driver, in starting-grid order (pole position first).
    pub drivers: &'static [Driver],
}

static TEAMS: [Team; 11] = [
    team("Mercedes", 0.0),
    team("Red Bull", 0.7),
    team("Williams", 0.8),
    team("Ferrari", 1.1),
    team("McLaren", 1.1),
    team("Force India", 0.8),
    team("Toro Rosso", 1.5),
    team("Lotus", 1.7),
    team("Sauber", 1.8),
    team("Marussia", 2.4),
    team("Caterham", 2.6),
];

const fn team(name: &'static str, pace: f64) -> Team {
    Team { name, pace }
}

const fn driver(number: u32, code: &'static str, name: &'static str, team: &'static Team, skill: f64) -> Driver {
    Driver { number, code, name, team, skill }
}

// Grid order as specified for this lab (pole first).
static DRIVERS: [Driver; 22] = [
    driver(6, "ROS", "Nico Rosberg", &TEAMS[0], -0.05),
    driver(44, "HAM", "Lewis Hamilton", &TEAMS[0], -0.15),
    driver(3, "RIC", "Daniel Ricciardo", &TEAMS[1], -0.05),
    driver(77, "BOT", "Valtteri Bottas", &TEAMS[2], 0.0),
    driver(11, "PER", "Sergio Pérez", &TEAMS[5], 0.0),
    driver(22, "BUT", "Jenson Button", &TEAMS[4], -0.05),
    driver(19, "MAS", "Felipe Massa", &TEAMS[2], 0.05),
    driver(20, "MAG", "Kevin Magnussen", &TEAMS[4], 0.15),
    driver(7, "RAI", "Kimi Räikkönen", &TEAMS[3], 0.15),
    driver(14, "ALO", "Fernando Alonso", &TEAMS[3], -0.2),
    driver(1, "VET", "Sebastian Vettel", &TEAMS[1], 0.05),
    driver(27, "HUL", "Nico Hülkenberg", &TEAMS[5], -0.05),
    driver(26, "KVY", "Daniil Kvyat", &TEAMS[6], 0.15),
    driver(8, "GRO", "Romain Grosjean", &TEAMS[7], 0.0),
    driver(25, "VER", "Jean-Éric Vergne", &TEAMS[6], 0.1),
    driver(13, "MAL", "Pastor Maldonado", &TEAMS[7], 0.2),
    driver(21, "GUT", "Esteban Gutiérrez", &TEAMS[8], 0.15),
    driver(99, "SUT", "Adrian Sutil", &TEAMS[8], 0.1),
    driver(17, "BIA", "Jules Bianchi", &TEAMS[9], 0.0),
    driver(10, "KOB", "Kamui Kobayashi", &TEAMS[10], 0.05),
    driver(4, "CHI", "Max Chilton", &TEAMS[9], 0.25),
    driver(9, "ERI", "Marcus Ericsson", &TEAMS[10], 0.3),
];

static BAHRAIN_2014: GrandPrix = GrandPrix {
    name: "2014 Bahrain Grand Prix",
    circuit: "Bahrain International Circuit, Sakhir",
    laps: 57,
    base_lap: 99.5,
    pit_loss: 22.0,
    teams: &TEAMS,
    drivers: &DRIVERS,
};

/// The default race: 2014 Bahrain Grand Prix, 57 laps of Sakhir, 22 drivers.
#[must_use]
pub fn bahrain_2014() -> &'static GrandPrix {
    &BAHRAIN_2014
}
