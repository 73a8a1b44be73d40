//! Credit-bureau pulls.

use super::state::text_enum;

text_enum! {
    /// What came of a pull, as its consent record keeps it.
    pub enum BureauOutcome {
        Found => "found",
        NotFound => "not_found",
        Unavailable => "unavailable",
    }
}

impl BureauOutcome {
    /// The credit rule: a pull is charged whenever the bureau was reached ("no record" included).
    pub fn is_chargeable(self) -> bool {
        self != BureauOutcome::Unavailable
    }
}
