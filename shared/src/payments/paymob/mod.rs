//! Paymob, Egypt's card and wallet gateway. Paymob tells the marketplace about a transaction by
//! POSTing its *transaction processed* callback to the webhook with `?hmac=`; here that body is
//! parsed ([`callback`]), its signature checked ([`signature`]), and a verified callback read as a
//! provider-neutral outcome ([`outcome`]).

pub mod callback;
pub mod outcome;
pub mod signature;

#[cfg(test)]
mod fixtures;

pub use callback::{Callback, CallbackError, SourceData, Transaction, VerifiedCallback};
pub use signature::{BadSignature, HmacSecret};
