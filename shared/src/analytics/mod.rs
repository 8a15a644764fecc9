//! Analytics: the figures the business runs on, per Cairo calendar day, for the marketplace and
//! for each vendor.
//!
//! Every event that moves a figure is a [`facts::Fact`]: an order on the day it was placed, each
//! product it sold, a new product. A fact says which counters it adds to and by how much; the
//! store keeps a marker of each fact beside the counters, written in the same transaction as the
//! counters change, so a fact counts once however often its event is delivered, and the counters
//! can always be checked against (and repaired from) the markers. [`report`] turns counters into
//! the answer of `GET /api/analytics`.

pub mod facts;
pub mod range;
pub mod report;

pub use facts::{Counter, Counts, Fact, Scope, Stage};
pub use range::DayRange;
pub use report::Report;
