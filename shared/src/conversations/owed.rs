//! Who still lacks the live copy of a stored message. The function that stores a message pushes
//! it; when a push fails the sender is answered `unavailable`, and their retry (the same
//! `clientMessageId`) pushes again to exactly those still owed it, so every open connection gets
//! each message once, whatever failed in between.

use super::ConnectionId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owed {
    /// Nothing is known to have reached anyone (the push has not run, or could not look up the
    /// recipient's connections): every open connection of the recipient.
    Everyone,
    /// A push reached the recipient's other connections, not these.
    Connections(Vec<ConnectionId>),
}
