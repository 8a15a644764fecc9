//! The order lifecycle: which status may follow which, and who may make the move.
//!
//! | from | to | by |
//! | --- | --- | --- |
//! | pending | confirmed | vendor, admin |
//! | confirmed | shipped | vendor, admin |
//! | shipped | delivered | vendor, admin (cash on delivery becomes paid) |
//! | pending | cancelled | customer, vendor, admin |
//! | confirmed | cancelled | vendor, admin |

use crate::accounts::Role;
use crate::orders::order::OrderStatus::{self, *};

const TRANSITIONS: &[(OrderStatus, OrderStatus, &[Role])] = &[
    (Pending, Confirmed, &[Role::Vendor, Role::Admin]),
    (Confirmed, Shipped, &[Role::Vendor, Role::Admin]),
    (Shipped, Delivered, &[Role::Vendor, Role::Admin]),
    (Pending, Cancelled, &[Role::Customer, Role::Vendor, Role::Admin]),
    (Confirmed, Cancelled, &[Role::Vendor, Role::Admin]),
];

/// May someone with `role` move an order from `from` to `to`?
pub fn allowed(from: OrderStatus, to: OrderStatus, role: Role) -> bool {
    TRANSITIONS.iter().any(|(f, t, roles)| *f == from && *t == to && roles.contains(&role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_moves_are_allowed() {
        let all = [Pending, Confirmed, Shipped, Delivered, Cancelled];
        let roles = [Role::Customer, Role::Vendor, Role::Admin];
        let mut allowed_count = 0;
        for from in all {
            for to in all {
                for role in roles {
                    allowed_count += usize::from(allowed(from, to, role));
                }
            }
        }
        assert_eq!(allowed_count, 11);
        assert!(allowed(Pending, Cancelled, Role::Customer));
        assert!(!allowed(Confirmed, Cancelled, Role::Customer));
        assert!(!allowed(Delivered, Cancelled, Role::Admin));
        assert!(!allowed(Pending, Shipped, Role::Vendor));
    }
}
