//! `POST /api/orders`, as sent: lines and where to deliver them. Parsed whole; prices are never
//! taken from the client.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::accounts::Phone;
use crate::catalog::governorate::Governorate;
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::fields::text;
use crate::ids::ProductId;
use crate::orders::order::{PaymentMethod, ShippingAddress};

pub const MAX_LINES: usize = 50;
pub const MAX_QUANTITY: u32 = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckoutRequest {
    items: Vec<LineRequest>,
    shipping_address: AddressRequest,
    payment_method: PaymentMethod,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LineRequest {
    product_id: ProductId,
    quantity: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressRequest {
    name: String,
    phone: String,
    governorate: Governorate,
    city: String,
    street: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// Product and quantity, each product once, in the order given.
    pub lines: Vec<(ProductId, u32)>,
    pub shipping_address: ShippingAddress,
    pub payment_method: PaymentMethod,
}

impl TryFrom<CheckoutRequest> for Checkout {
    type Error = ApiError;

    fn try_from(request: CheckoutRequest) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        if request.items.is_empty() || request.items.len() > MAX_LINES {
            errors.push("items", format!("must hold 1 to {MAX_LINES} lines"));
        }
        let mut seen = BTreeMap::new();
        for (i, line) in request.items.iter().enumerate() {
            if !(1..=MAX_QUANTITY).contains(&line.quantity) {
                errors.push(format!("items[{i}].quantity"), format!("must be 1 to {MAX_QUANTITY}"));
            }
            if let Some(first) = seen.insert(line.product_id, i) {
                errors.push(
                    format!("items[{i}].productId"),
                    format!("repeats items[{first}]; order a larger quantity instead"),
                );
            }
        }
        let a = request.shipping_address;
        let name = errors.take(text("shippingAddress.name", &a.name, 2, 100));
        let phone = errors.take(Phone::parse(&a.phone).map_err(|m| FieldError::new("shippingAddress.phone", m)));
        let city = errors.take(text("shippingAddress.city", &a.city, 2, 60));
        let street = errors.take(text("shippingAddress.street", &a.street, 5, 200));
        match (name, phone, city, street) {
            (Some(name), Some(phone), Some(city), Some(street)) if errors.is_empty() => Ok(Self {
                lines: request.items.iter().map(|l| (l.product_id, l.quantity)).collect(),
                shipping_address: ShippingAddress { name, phone, governorate: a.governorate, city, street },
                payment_method: request.payment_method,
            }),
            _ => errors.finish(|| unreachable!()),
        }
    }
}
