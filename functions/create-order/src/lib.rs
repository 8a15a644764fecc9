//! `POST /api/orders`: a verified customer checks out. One order per vendor, all or none, stock
//! taken atomically at the server's prices; `Idempotency-Key` makes a retry safe.

use shared::accounts::Role;
use shared::config::ConfigError;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, header, idempotency};
use shared::orders::checkout::{Checkout, CheckoutRequest};
use shared::services::checkout::{Idempotency, Outcome, Placement};
use shared::{ApiError, App};

pub struct CreateOrder {
    auth: Authenticator,
    placement: Placement,
}

impl CreateOrder {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, placement: Placement::new(&app.database())? })
    }
}

impl Endpoint for CreateOrder {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Customer, Role::Vendor])?;
        caller.require_verified_email()?;
        let key = idempotency::key(&req)?;
        let checkout = Checkout::try_from(body::json::<CheckoutRequest>(&req)?)?;
        let idempotency = match key {
            Some(key) => Some(Idempotency::new(&key, caller.user_id, &body::json(&req)?)),
            None => None,
        };
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
