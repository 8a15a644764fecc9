//! The order lifecycle: which status may follow which, and who may make the move. Who is decided
//! by the caller's relationship to *that* order, never by their role alone: its seller (the user
//! whose id is its `vendorId`), its buyer (its `customerId`), or an admin.
//!
//! | from | to | by |
//! | --- | --- | --- |
//! | pending | confirmed | seller, admin |
//! | confirmed | shipped | seller, admin |
//! | shipped | delivered | seller, admin (cash on delivery becomes paid) |
//! | pending | cancelled | buyer, seller, admin |
//! | confirmed | cancelled | seller, admin |

use crate::accounts::Caller;
use crate::error::{ApiError, Conflict};
use crate::orders::order::Order;
use crate::orders::order::OrderStatus::{self, *};

/// The caller's relationship to one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Buyer,
    Seller,
    Admin,
}

impl Party {
    /// How `caller` stands to `order`; `None` for anyone else, who may not even see it.
    pub fn of(caller: &Caller, order: &Order) -> Option<Self> {
        if caller.is_admin() {
            Some(Self::Admin)
        } else if caller.user_id == order.vendor_id {
            Some(Self::Seller)
        } else if caller.user_id == order.customer_id {
            Some(Self::Buyer)
        } else {
            None
        }
    }
}

const TRANSITIONS: &[(OrderStatus, OrderStatus, &[Party])] = &[
    (Pending, Confirmed, &[Party::Seller, Party::Admin]),
    (Confirmed, Shipped, &[Party::Seller, Party::Admin]),
    (Shipped, Delivered, &[Party::Seller, Party::Admin]),
    (Pending, Cancelled, &[Party::Buyer, Party::Seller, Party::Admin]),
    (Confirmed, Cancelled, &[Party::Seller, Party::Admin]),
];

/// May `party` move an order from `from` to `to`? A move the lifecycle does not have is 409
/// `invalid_transition`; one it has but not for this party is 403 `forbidden`.
pub fn check(from: OrderStatus, to: OrderStatus, party: Party) -> Result<(), ApiError> {
    match TRANSITIONS.iter().find(|(f, t, _)| *f == from && *t == to) {
        None => {
            Err(ApiError::Conflict(Conflict::InvalidTransition { from: from.as_str().into(), to: to.as_str().into() }))
        }
        Some((.., parties)) if !parties.contains(&party) => Err(ApiError::Forbidden),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [OrderStatus; 5] = [Pending, Confirmed, Shipped, Delivered, Cancelled];
    const PARTIES: [Party; 3] = [Party::Buyer, Party::Seller, Party::Admin];

    #[test]
    fn only_the_listed_moves_are_allowed_and_only_to_their_parties() {
        let mut allowed = 0;
        for from in ALL {
            for to in ALL {
                for party in PARTIES {
                    allowed += usize::from(check(from, to, party).is_ok());
                }
            }
        }
        assert_eq!(allowed, 11);
        assert!(check(Pending, Cancelled, Party::Buyer).is_ok());
        assert!(matches!(check(Confirmed, Cancelled, Party::Buyer), Err(ApiError::Forbidden)));
        assert!(matches!(check(Pending, Confirmed, Party::Buyer), Err(ApiError::Forbidden)));
        assert!(matches!(check(Delivered, Cancelled, Party::Admin), Err(ApiError::Conflict(_))));
        assert!(matches!(check(Pending, Shipped, Party::Seller), Err(ApiError::Conflict(_))));
    }
}
