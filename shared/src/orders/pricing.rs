//! The pure rules of a checkout: which lines can be had from the products as read, and how they
//! become one pending order per vendor at the server's prices.

use std::collections::BTreeMap;

use crate::catalog::product::{Product, ProductStatus};
use crate::clock::Timestamp;
use crate::error::{ApiError, Conflict, FieldErrors};
use crate::ids::{CheckoutId, OrderId, UserId};
use crate::money::Money;
use crate::orders::checkout::Checkout;
use crate::orders::order::{HistoryEntry, Order, OrderItem, OrderStatus};

/// A product line to take from stock: the product as read, and how many.
#[derive(Debug, Clone, Copy)]
pub struct Take<'a> {
    pub product: &'a Product,
    pub quantity: u32,
}

/// Each line against its product as read: for sale, not the buyer's own, and in stock. Lines that
/// name nothing for sale are field errors; a line that cannot be filled is 409
/// `insufficient_stock`, naming the product.
pub fn available<'a>(
    checkout: &Checkout,
    products: &'a [Product],
    customer: UserId,
) -> Result<Vec<Take<'a>>, ApiError> {
    let mut errors = FieldErrors::default();
    let mut takes = Vec::with_capacity(checkout.lines.len());
    for (i, (id, quantity)) in checkout.lines.iter().enumerate() {
        match products.iter().find(|p| p.id == *id).filter(|p| p.is_visible()) {
            None => errors.push(format!("items[{i}].productId"), "is not for sale"),
            Some(p) if p.vendor_id == customer.to_string() => {
                errors.push(format!("items[{i}].productId"), "is your own product")
            }
            Some(p) => takes.push(Take { product: p, quantity: *quantity }),
        }
    }
    errors.finish(|| ())?;
    if let Some(short) =
        takes.iter().find(|t| t.product.status != ProductStatus::Active || t.product.stock < t.quantity)
    {
        return Err(ApiError::Conflict(Conflict::InsufficientStock { product_id: short.product.id.to_string() }));
    }
    Ok(takes)
}

/// One pending order per vendor, priced from the products, all of checkout `checkout_id`.
pub fn split(
    checkout: &Checkout,
    takes: &[Take<'_>],
    customer: UserId,
    checkout_id: CheckoutId,
    now: Timestamp,
) -> Result<Vec<Order>, ApiError> {
    let mut by_vendor: BTreeMap<&str, Vec<OrderItem>> = BTreeMap::new();
    for take in takes {
        let unit = take.product.price;
        by_vendor.entry(&take.product.vendor_id).or_default().push(OrderItem {
            product_id: take.product.id,
            title: take.product.title.clone(),
            unit_price: unit,
            quantity: take.quantity,
            line_total: Money::egp(unit.amount * u64::from(take.quantity)),
        });
    }
    by_vendor
        .into_iter()
        .map(|(vendor, items)| {
            let vendor_id =
                vendor.parse().map_err(|_| ApiError::internal(format!("product vendor {vendor} is not a user id")))?;
            Ok(Order {
                id: OrderId::new(),
                checkout_id,
                customer_id: customer,
                vendor_id,
                total: Money::egp(items.iter().map(|i| i.line_total.amount).sum()),
                items,
                status: OrderStatus::Pending,
                payment_method: checkout.payment_method,
                payment_status: checkout.payment_method.initial_status(),
                shipping_address: checkout.shipping_address.clone(),
                history: vec![HistoryEntry { status: OrderStatus::Pending, at: now, by: customer.into(), note: None }],
                created_at: now,
                updated_at: now,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Phone;
    use crate::catalog::Governorate;
    use crate::catalog::product::{Condition, Location, ProductId};
    use crate::orders::order::{PaymentMethod, ShippingAddress};

    fn product(vendor: UserId, price: u64, stock: u32) -> Product {
        Product {
            id: ProductId::new(),
            vendor_id: vendor.to_string(),
            category_id: "oils-fluids".into(),
            title: "Engine oil 5W-30".into(),
            description: String::new(),
            price: Money::egp(price),
            condition: Condition::New,
            stock,
            status: if stock == 0 { ProductStatus::SoldOut } else { ProductStatus::Active },
            images: vec![],
            thumbnails: vec![],
            location: Location { governorate: Governorate::Cairo, city: "Nasr City".into() },
            vehicle: None,
            part: None,
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
            version: 1,
        }
    }

    fn checkout(lines: &[(&Product, u32)]) -> Checkout {
        Checkout {
            lines: lines.iter().map(|(p, q)| (p.id, *q)).collect(),
            shipping_address: ShippingAddress {
                name: "Mona Hassan".into(),
                phone: Phone::parse("01012345678").unwrap(),
                governorate: Governorate::Giza,
                city: "Dokki".into(),
                street: "12 Tahrir St".into(),
            },
            payment_method: PaymentMethod::CashOnDelivery,
        }
    }

    #[test]
    fn lines_split_into_one_priced_order_per_vendor() {
        let (a, b, buyer) = (UserId::new(), UserId::new(), UserId::new());
        let products = [product(a, 1_000, 5), product(b, 250, 5), product(a, 40, 5)];
        let basket = checkout(&[(&products[0], 2), (&products[1], 1), (&products[2], 3)]);
        let takes = available(&basket, &products, buyer).unwrap();
        let orders = split(&basket, &takes, buyer, CheckoutId::new(), Timestamp::now()).unwrap();
        assert_eq!(orders.len(), 2);
        let of = |vendor: UserId| orders.iter().find(|o| o.vendor_id == vendor).unwrap();
        assert_eq!(of(a).total, Money::egp(2 * 1_000 + 3 * 40));
        assert_eq!(of(a).items.len(), 2);
        assert_eq!(of(b).total, Money::egp(250));
        assert!(orders.iter().all(|o| o.checkout_id == orders[0].checkout_id && o.status == OrderStatus::Pending));
    }

    #[test]
    fn a_line_beyond_the_stock_names_its_product() {
        let (vendor, buyer) = (UserId::new(), UserId::new());
        let products = [product(vendor, 100, 1)];
        let err = available(&checkout(&[(&products[0], 2)]), &products, buyer).unwrap_err();
        assert!(
            matches!(err, ApiError::Conflict(Conflict::InsufficientStock { product_id }) if product_id == products[0].id.to_string())
        );
    }

    #[test]
    fn own_missing_and_archived_products_are_field_errors() {
        let (vendor, buyer) = (UserId::new(), UserId::new());
        let own = product(buyer, 100, 1);
        let archived = Product { status: ProductStatus::Archived, ..product(vendor, 100, 1) };
        let missing = product(vendor, 100, 1);
        let products = [own.clone(), archived.clone()];
        let err = available(&checkout(&[(&own, 1), (&archived, 1), (&missing, 1)]), &products, buyer).unwrap_err();
        let ApiError::Validation(errors) = err else { panic!("expected field errors") };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("items[0].productId", "is your own product"),
                ("items[1].productId", "is not for sale"),
                ("items[2].productId", "is not for sale")
            ]
        );
    }
}
