//! Which side of their orders a caller lists: `purchases` (the orders they bought) or `sales` (the
//! orders they sell). Customers only buy; vendors sell by default and may list what they bought;
//! admins see every order unless they name a side.

use crate::accounts::{Caller, Role};
use crate::error::ApiError;
use crate::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Purchases,
    Sales,
}

impl std::str::FromStr for View {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "purchases" => Ok(Self::Purchases),
            "sales" => Ok(Self::Sales),
            _ => Err("must be purchases or sales".to_owned()),
        }
    }
}

/// The orders a listing covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Every,
    BoughtBy(UserId),
    SoldBy(UserId),
}

impl Side {
    /// What `caller` lists when asking for `view`; a customer asking for sales is 403 `forbidden`.
    pub fn of(caller: &Caller, view: Option<View>) -> Result<Self, ApiError> {
        match (caller.role, view) {
            (Role::Customer, Some(View::Sales)) => Err(ApiError::Forbidden),
            (Role::Admin, None) => Ok(Self::Every),
            (Role::Customer, _) | (_, Some(View::Purchases)) => Ok(Self::BoughtBy(caller.user_id)),
            (Role::Vendor, None) | (_, Some(View::Sales)) => Ok(Self::SoldBy(caller.user_id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller { user_id: UserId::new(), role, email_verified: true, session_id: None }
    }

    #[test]
    fn each_role_lists_its_own_side_by_default_and_customers_never_sales() {
        let (customer, vendor, admin) = (caller(Role::Customer), caller(Role::Vendor), caller(Role::Admin));
        assert_eq!(Side::of(&customer, None).unwrap(), Side::BoughtBy(customer.user_id));
        assert!(matches!(Side::of(&customer, Some(View::Sales)), Err(ApiError::Forbidden)));
        assert_eq!(Side::of(&vendor, None).unwrap(), Side::SoldBy(vendor.user_id));
        assert_eq!(Side::of(&vendor, Some(View::Purchases)).unwrap(), Side::BoughtBy(vendor.user_id));
        assert_eq!(Side::of(&admin, None).unwrap(), Side::Every);
        assert_eq!(Side::of(&admin, Some(View::Sales)).unwrap(), Side::SoldBy(admin.user_id));
    }
}
