//! Money is an integer number of piasters (1/100 EGP) with its currency; never a float.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "EGP")]
    Egp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Minor units (piasters).
    pub amount: u64,
    pub currency: Currency,
}

impl Money {
    pub const fn egp(piasters: u64) -> Self {
        Self { amount: piasters, currency: Currency::Egp }
    }
}
