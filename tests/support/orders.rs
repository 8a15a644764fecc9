//! Orders as clients place and move them: a basket, a checkout, a status change.

use serde_json::{Value, json};

use crate::accounts::Session;
use crate::{TestMarketplace, TestResponse};

/// A complete shipping address in Cairo.
pub fn address() -> Value {
    json!({ "name": "منى حسن", "phone": "01012345678", "governorate": "cairo", "city": "Nasr City", "street": "12 Makram Ebeid St" })
}

/// The body of a cash-on-delivery checkout of `lines` (product id, quantity) to [`address`].
pub fn basket(lines: &[(&str, u32)]) -> Value {
    let items: Vec<Value> = lines.iter().map(|(id, q)| json!({ "productId": id, "quantity": q })).collect();
    json!({ "items": items, "shippingAddress": address(), "paymentMethod": "cash_on_delivery" })
}

impl TestMarketplace {
    /// `POST /api/orders` of `body` as `who`, with `Idempotency-Key: <key>` if given.
    pub async fn checkout(&self, who: &Session, body: &Value, key: Option<&str>) -> TestResponse {
        let headers: Vec<(&str, &str)> = key.map(|key| ("idempotency-key", key)).into_iter().collect();
        self.send_as(http::Method::POST, &who.access_token, "/api/orders", Some(body), &headers).await
    }

    /// Checks out a [`basket`] of `lines` as `who`; returns the id of the first order it made.
    pub async fn place_order(&self, who: &Session, lines: &[(&str, u32)]) -> String {
        self.checkout(who, &basket(lines), None).await.json()["orders"][0]["id"].as_str().unwrap().to_owned()
    }

    /// `POST /api/orders/{order}/status` moving the order to `status`, as `who`.
    pub async fn set_status(&self, who: &Session, order: &str, status: &str) -> TestResponse {
        self.post_as(&who.access_token, &format!("/api/orders/{order}/status"), &json!({ "status": status })).await
    }
}

/// Someone to buy from and someone who buys: an approved vendor with one product in stock, and a
/// verified customer.
pub struct Shop {
    pub vendor: Session,
    pub product: String,
    pub buyer: Session,
}

impl TestMarketplace {
    /// A [`Shop`]: vendor `<name>-vendor@example.com` with `stock` units of one product, buyer
    /// `<name>-buyer@example.com`.
    pub async fn shop(&self, name: &str, stock: u32) -> Shop {
        let vendor = self.approved_vendor(&format!("{name}-vendor@example.com")).await;
        let product = self.new_product(&vendor, "Brake pads", stock, 1_500).await;
        let buyer = self.verified_customer(&format!("{name}-buyer@example.com")).await;
        Shop { vendor, product, buyer }
    }
}
