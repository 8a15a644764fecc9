//! Accounts as a client makes them: register, read the token from the local outbox, verify, log in.

use serde_json::{Value, json};

use crate::{ADMIN_EMAIL, ADMIN_PASSWORD, TestMarketplace, TestResponse};

pub const PASSWORD: &str = "Kh@lid-Corolla-2019";

/// A logged-in user as a client holds it.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user: Value,
}

impl Session {
    pub fn from_response(response: &TestResponse) -> Self {
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
        let body = response.json();
        Self {
            access_token: body["accessToken"].as_str().unwrap().to_owned(),
            refresh_token: body["refreshToken"].as_str().unwrap().to_owned(),
            user: body["user"].clone(),
        }
    }

    pub fn user_id(&self) -> &str {
        self.user["id"].as_str().unwrap()
    }
}

impl TestMarketplace {
    pub async fn register(&self, email: &str, password: &str, name: &str) -> TestResponse {
        self.post("/api/auth/register", &json!({ "email": email, "password": password, "name": name })).await
    }

    /// What the outbox holds for `to` (an email or a user id), newest first.
    pub async fn outbox(&self, to: &str) -> Vec<Value> {
        let response = self.get(&format!("/_local/outbox?to={}", to.replace('+', "%2B"))).await;
        assert_eq!(response.status, 200);
        response.json()["items"].as_array().unwrap().clone()
    }

    /// The token of the newest verification message sent to `email`.
    pub async fn verification_token(&self, email: &str) -> String {
        let messages = self.outbox(email).await;
        let message = messages.iter().find(|m| m["type"] == "email_verification").expect("a verification message");
        message["data"]["token"].as_str().unwrap().to_owned()
    }

    pub async fn verify(&self, token: &str) -> TestResponse {
        self.post("/api/auth/verify", &json!({ "token": token })).await
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post("/api/auth/login", &json!({ "email": email, "password": password })).await
    }

    /// A registered, verified and logged-in customer.
    pub async fn verified_customer(&self, email: &str) -> Session {
        assert_eq!(self.register(email, PASSWORD, "Khalid Mansour").await.status, 201);
        let token = self.verification_token(email).await;
        assert_eq!(self.verify(&token).await.status, 200);
        Session::from_response(&self.login(email, PASSWORD).await)
    }

    /// The admin every test marketplace is started with.
    pub async fn admin(&self) -> Session {
        Session::from_response(&self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await)
    }
}
