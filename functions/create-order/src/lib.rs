//! `POST /api/orders`: a verified customer checks out. One order per vendor, all or none, stock
//! taken atomically at the server's prices; `Idempotency-Key` makes a retry safe.

use sha2::{Digest, Sha256};
use shared::accounts::Role;
use shared::auth::Authenticator;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, header};
use shared::orders::checkout::{Checkout, CheckoutRequest};
use shared::orders::placement::{Idempotency, Outcome, Placement};
use shared::{ApiError, App};

pub struct CreateOrder {
    auth: Authenticator,
    placement: Placement,
}

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

impl CreateOrder {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, placement: Placement::from_app(app)? })
    }
}

/// The key a client sent: 1–64 characters of `[A-Za-z0-9._:-]`.
fn idempotency_key(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else { return Ok(None) };
    let key = value.to_str().ok().filter(|k| {
        (1..=64).contains(&k.len())
            && k.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
    });
    key.map(|k| Some(k.to_owned()))
        .ok_or_else(|| ApiError::validation("Idempotency-Key", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -"))
}

impl Endpoint for CreateOrder {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Customer, Role::Vendor])?;
        caller.require_verified_email()?;
        let key = idempotency_key(&req)?;
        let checkout = Checkout::try_from(body::json::<CheckoutRequest>(&req)?)?;
        // serde_json orders object keys, so the same body always hashes the same.
        let request: serde_json::Value = body::json(&req)?;
        let request_hash = format!("{:x}", Sha256::digest(request.to_string().as_bytes()));
        let idempotency =
            key.map(|key| Idempotency { key: format!("checkout#{}#{key}", caller.user_id), request_hash });
        let (body, replayed) = match self.placement.place(caller.user_id, &checkout, idempotency).await? {
            Outcome::Placed(body) => (body, false),
            Outcome::Replayed(body) => (body, true),
        };
        let mut response =
            Response::builder().status(StatusCode::CREATED).header(header::CONTENT_TYPE, "application/json");
        if replayed {
            response = response.header("idempotent-replayed", "true");
        }
        Ok(response.body(Body::Text(body)).expect("a JSON response"))
    }
}
