//! `POST /api/orders`: a verified customer checks out. One order per vendor, all or none, stock
//! taken atomically at the server's prices; `Idempotency-Key` makes a retry safe. Paid by card or
//! wallet, the orders wait for the payment opened at Paymob for the whole checkout. Every checkout
//! counts: orders placed and the time it took, or the reason it failed.

use std::time::Instant;

use shared::accounts::Role;
use shared::config::ConfigError;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, header, idempotency};
use shared::metrics::{Metric, Metrics};
use shared::orders::checkout::{Checkout, CheckoutRequest};
use shared::services::checkout::{Idempotency, Outcome, Placement};
use shared::{ApiError, App};

pub struct CreateOrder {
    auth: Authenticator,
    placement: Placement,
    metrics: Metrics,
}

impl CreateOrder {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        let placement = Placement::new(&db)?.with_gateway(&db, app.payment_gateway()?)?;
        Ok(Self { auth: Authenticator::new(app)?, placement, metrics: app.metrics() })
    }
}

impl Endpoint for CreateOrder {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let started = Instant::now();
        let outcome = self.check_out(&req).await;
        match &outcome {
            Ok(Outcome::Placed { orders, .. }) => {
                self.metrics.count(Metric::OrdersPlaced, *orders);
                self.metrics.duration(Metric::CheckoutLatency, started.elapsed());
            }
            Ok(Outcome::Replayed(_)) => {}
            Err(error) => self.metrics.count_because(Metric::OrderFailures, error.code()),
        }
        let (body, replayed) = match outcome? {
            Outcome::Placed { body, .. } => (body, false),
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

impl CreateOrder {
    async fn check_out(&self, req: &Request) -> Result<Outcome, ApiError> {
        let caller = self.auth.caller(req)?;
        caller.require_role(&[Role::Customer, Role::Vendor])?;
        caller.require_verified_email()?;
        let key = idempotency::key(req)?;
        let checkout = Checkout::try_from(body::json::<CheckoutRequest>(req)?)?;
        let idempotency = match key {
            Some(key) => Some(Idempotency::new(&key, caller.user_id, &body::json(req)?)),
            None => None,
        };
        self.placement.place(caller.user_id, &checkout, idempotency).await
    }
}
