//! The OWASP API Security Top 10 (2023), item by item: each module is named after its item and says
//! what it checks. Where another test file already proves part of an item, the module says which,
//! rather than proving it twice.

mod api10_unsafe_consumption;
mod api1_object_level_authorization;
mod api2_authentication;
mod api3_property_level_authorization;
mod api4_resource_consumption;
mod api5_function_level_authorization;
mod api6_business_flows;
mod api7_server_side_request_forgery;
mod api8_security_misconfiguration;
mod api9_inventory;

use serde_json::Value;
use souk_tests::TestMarketplace;
use souk_tests::accounts::Session;

/// The cast of most items: two buyers, two sellers and an admin, one order between the first buyer
/// and the first seller, one product of each seller, one notification in the first buyer's inbox.
pub struct World {
    pub market: TestMarketplace,
    pub buyer: Session,
    pub stranger: Session,
    pub seller: Session,
    pub other_seller: Session,
    pub admin: Session,
    pub product: String,
    pub other_product: String,
    pub order: String,
    pub application: String,
    pub notification: String,
}

impl World {
    pub async fn build() -> Self {
        let market = TestMarketplace::spawn().await;
        let seller = market.approved_vendor("seller@example.com").await;
        let other_seller = market.approved_vendor("other-seller@example.com").await;
        let buyer = market.verified_customer("buyer@example.com").await;
        let stranger = market.verified_customer("stranger@example.com").await;
        let admin = market.admin().await;
        let product = market.new_product(&seller, "Toyota Corolla 2021", 5, 600_000).await;
        let other_product = market.new_product(&other_seller, "Kia Cerato 2020", 5, 500_000).await;
        let order = market.place_order(&buyer, &[(&product, 1)]).await;
        let application = market.submit_application(&buyer).await;
        souk_tests::eventually("the buyer hears of the order", || async {
            market.inbox(&buyer).await["items"].as_array().is_some_and(|items| !items.is_empty())
        })
        .await;
        let notification = market.inbox(&buyer).await["items"][0]["id"].as_str().unwrap().to_owned();
        Self {
            market,
            buyer,
            stranger,
            seller,
            other_seller,
            admin,
            product,
            other_product,
            order,
            application,
            notification,
        }
    }
}

/// Every key anywhere in `value`, for checks of what a response exposes.
pub fn keys(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map.iter().flat_map(|(k, v)| std::iter::once(k.clone()).chain(keys(v))).collect(),
        Value::Array(items) => items.iter().flat_map(keys).collect(),
        _ => Vec::new(),
    }
}
