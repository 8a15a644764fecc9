//! Accounts as a client makes them: register, read the token from the local outbox, verify, log in,
//! refresh; and what an access token says.

use base64::Engine;
use serde_json::{Value, json};
use shared::db::UserRepo;

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

/// The claims of a JWT, read the way a client may read them (no verification).
pub fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("three parts");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

impl TestMarketplace {
    pub async fn register(&self, email: &str, password: &str, name: &str) -> TestResponse {
        self.post("/api/auth/register", &json!({ "email": email, "password": password, "name": name })).await
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

    /// `POST /api/auth/login` from the loopback client address `address` (e.g. `127.0.0.2`).
    pub async fn login_from(&self, address: &str, email: &str, password: &str) -> TestResponse {
        let client = crate::client::Client::from_address(self.marketplace.url(), address.parse().unwrap());
        let body = json!({ "email": email, "password": password }).to_string();
        client.send(http::Method::POST, "/api/auth/login", &[("content-type", "application/json")], body.into()).await
    }

    /// `POST /api/auth/verify/resend` for `email`.
    pub async fn resend_verification(&self, email: &str) -> TestResponse {
        self.post("/api/auth/verify/resend", &json!({ "email": email })).await
    }

    /// `POST /api/auth/password/forgot` for `email`.
    pub async fn forgot_password(&self, email: &str) -> TestResponse {
        self.post("/api/auth/password/forgot", &json!({ "email": email })).await
    }

    /// The token of the newest password reset message sent to `email`.
    pub async fn reset_token(&self, email: &str) -> String {
        let messages = self.outbox_of_type(email, "password_reset").await;
        messages.first().expect("a password reset message")["data"]["token"].as_str().unwrap().to_owned()
    }

    /// A verified customer who asked for a password reset, and the token they were sent.
    pub async fn customer_with_reset_token(&self, email: &str) -> String {
        self.verified_customer(email).await;
        assert_eq!(self.forgot_password(email).await.status, 202);
        self.reset_token(email).await
    }

    /// `POST /api/auth/password/reset` with `token` and the new `password`.
    pub async fn reset_password(&self, token: &str, password: &str) -> TestResponse {
        self.post("/api/auth/password/reset", &json!({ "token": token, "password": password })).await
    }

    /// `POST /api/me/password` as `session`.
    pub async fn change_password(&self, session: &Session, current: &str, new: &str) -> TestResponse {
        let body = json!({ "currentPassword": current, "newPassword": new });
        self.post_as(&session.access_token, "/api/me/password", &body).await
    }

    /// `POST /api/auth/refresh` with `refresh_token`.
    pub async fn refresh(&self, refresh_token: &str) -> TestResponse {
        self.post("/api/auth/refresh", &json!({ "refreshToken": refresh_token })).await
    }

    /// The session `session` becomes after a refresh: a new access token with the user's current
    /// role (asserts the refresh succeeds).
    pub async fn refreshed(&self, session: &Session) -> Session {
        Session::from_response(&self.refresh(&session.refresh_token).await)
    }

    /// A registered, verified and logged-in customer.
    pub async fn verified_customer(&self, email: &str) -> Session {
        assert_eq!(self.register(email, PASSWORD, "Khalid Mansour").await.status, 201);
        let token = self.verification_token(email).await;
        assert_eq!(self.verify(&token).await.status, 200);
        Session::from_response(&self.login(email, PASSWORD).await)
    }

    /// A customer who registered and logged in without verifying the email.
    pub async fn unverified_customer(&self, email: &str) -> Session {
        self.register(email, PASSWORD, "U").await;
        Session::from_response(&self.login(email, PASSWORD).await)
    }

    /// Makes the user of `session` an admin in the users table; tokens say so from the next refresh.
    pub async fn promote_to_admin(&self, session: &Session) {
        UserRepo::new(&self.app().database())
            .unwrap()
            .promote_to_admin(session.user_id().parse().unwrap())
            .await
            .unwrap();
    }

    /// The admin every test marketplace is started with.
    pub async fn admin(&self) -> Session {
        Session::from_response(&self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await)
    }
}

impl TestMarketplace {
    /// `PATCH /api/me` as `session` with `body`.
    pub async fn update_me(&self, session: &Session, body: &Value) -> TestResponse {
        self.send_as(http::Method::PATCH, &session.access_token, "/api/me", Some(body), &[]).await
    }
}

impl TestMarketplace {
    /// `DELETE /api/me` as `session`, confirmed with `password`.
    pub async fn delete_me(&self, session: &Session, password: &str) -> TestResponse {
        let body = json!({ "password": password });
        self.send_as(http::Method::DELETE, &session.access_token, "/api/me", Some(&body), &[]).await
    }
}
