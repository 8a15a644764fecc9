//! Online payments as a buyer and Paymob play them locally: a checkout by card or wallet, the
//! runner's Paymob simulator paying it (or a test delivering a callback itself), the expiry
//! schedule fired by hand.

use bytes::Bytes;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::orders::address;
use crate::{TestMarketplace, TestResponse};

/// The body of a checkout of `lines` (product id, quantity) paid by `method` (`card`, `wallet`).
pub fn online_basket(lines: &[(&str, u32)], method: &str) -> Value {
    let items: Vec<Value> = lines.iter().map(|(id, q)| json!({ "productId": id, "quantity": q })).collect();
    json!({ "items": items, "shippingAddress": address(), "paymentMethod": method })
}

impl TestMarketplace {
    /// `POST /_local/payments/{checkout}/pay` with `body` (`{ outcome, amountCents?, currency?, deliver? }`).
    pub async fn pay(&self, checkout: &str, body: &Value) -> TestResponse {
        self.post(&format!("/_local/payments/{checkout}/pay"), body).await
    }

    /// Delivers `callback` to the webhook as Paymob would, with `hmac` if given.
    pub async fn deliver_callback(&self, callback: &Value, hmac: Option<&str>) -> TestResponse {
        let path = match hmac {
            Some(hmac) => format!("/api/payments/paymob/webhook?hmac={hmac}"),
            None => "/api/payments/paymob/webhook".to_owned(),
        };
        let headers = [("content-type", "application/json")];
        self.client.send(http::Method::POST, &path, &headers, Bytes::from(callback.to_string())).await
    }

    /// What the simulator was asked: `{ intentions, refunds }`.
    pub async fn paymob_log(&self) -> Value {
        self.get("/_local/payments").await.json()
    }

    /// The refunds the simulator made of transaction `transaction`.
    pub async fn refunds_of(&self, transaction: &Value) -> Vec<Value> {
        let log = self.paymob_log().await;
        let refunds = log["refunds"].as_array().cloned().unwrap_or_default();
        refunds.into_iter().filter(|r| r["parentTransactionId"] == *transaction).collect()
    }

    /// Takes the simulated gateway down (it answers 503) or brings it back.
    pub async fn set_gateway_down(&self, down: bool) {
        let answer = self.post("/_local/paymob/outage", &json!({ "down": down })).await;
        assert!(answer.status.is_success(), "{}", answer.status);
    }

    /// Fires the expiry schedule for its latest time.
    pub async fn sweep_unpaid_checkouts(&self) {
        let fired =
            self.client.send(http::Method::POST, "/_local/schedules/PaymentExpirySchedule", &[], Bytes::new()).await;
        assert_eq!(fired.status, 202);
    }

    /// Order `id` as `who` sees it.
    pub async fn order(&self, who: &Session, id: &str) -> Value {
        self.get_as(&who.access_token, &format!("/api/orders/{id}")).await.json()
    }
}
