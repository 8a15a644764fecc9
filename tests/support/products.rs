//! Products as vendors write them through the API: create, change, archive.

use serde_json::{Value, json};

use crate::accounts::Session;
use crate::{TestMarketplace, TestResponse};

/// The body of a valid `POST /api/products` for a used car in Cairo, one in stock.
pub fn car_body(title: &str, make: &str, model: &str, year: u16, price_egp: u64) -> Value {
    json!({
        "categoryId": "cars",
        "title": title,
        "description": "فحص كامل، صيانة توكيل، بدون حوادث",
        "price": { "amount": price_egp * 100, "currency": "EGP" },
        "condition": "used",
        "stock": 1,
        "images": ["https://images.souk-el-sayarat.com/p/1.jpg"],
        "location": { "governorate": "cairo", "city": "Nasr City" },
        "vehicle": { "make": make, "model": model, "year": year, "mileageKm": 85000, "transmission": "automatic", "fuelType": "petrol" }
    })
}

impl TestMarketplace {
    /// `POST /api/products` of `body` as `vendor`.
    pub async fn create_product(&self, vendor: &Session, body: &Value) -> TestResponse {
        self.post_as(&vendor.access_token, "/api/products", body).await
    }

    /// A Kia Rio of `vendor` titled `title`, with `stock` units at `price_egp`, created through the
    /// API (asserts it is); returns its id.
    pub async fn new_product(&self, vendor: &Session, title: &str, stock: u32, price_egp: u64) -> String {
        let mut body = car_body(title, "Kia", "Rio", 2020, price_egp);
        body["stock"] = json!(stock);
        let created = self.create_product(vendor, &body).await;
        assert_eq!(created.status, 201, "{}", String::from_utf8_lossy(&created.body));
        created.json()["id"].as_str().unwrap().to_owned()
    }

    /// `PATCH /api/products/{id}` of `body` as `who`, with `If-Match: <if_match>` if given.
    pub async fn patch_product(&self, who: &Session, id: &str, body: &Value, if_match: Option<&str>) -> TestResponse {
        let headers: Vec<(&str, &str)> = if_match.map(|tag| ("if-match", tag)).into_iter().collect();
        self.send_as(http::Method::PATCH, &who.access_token, &format!("/api/products/{id}"), Some(body), &headers).await
    }

    /// `DELETE /api/products/{id}` (archive) as `who`.
    pub async fn delete_product(&self, who: &Session, id: &str) -> TestResponse {
        self.send_as(http::Method::DELETE, &who.access_token, &format!("/api/products/{id}"), None, &[]).await
    }
}
