//! `GET /api/orders`: the caller's purchases or sales (`view`, see `shared::orders::view`), or
//! every order for admins; optionally by `status`; newest first, cursor-paged.

use shared::config::ConfigError;
use shared::cursor::CursorCodec;
use shared::db::OrderRepo;
use shared::db::orders::{Listing, Position};
use shared::error::FieldErrors;
use shared::http::page::{Page, PageAsked};
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, query, response};
use shared::orders::OrderStatus;
use shared::orders::view::{Side, View};
use shared::{ApiError, App};

pub struct GetOrders {
    auth: Authenticator,
    orders: OrderRepo,
    cursors: CursorCodec,
}

impl GetOrders {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            orders: OrderRepo::new(&app.database())?,
            cursors: CursorCodec::new(app.config.cursor_secret()?),
        })
    }
}

impl Endpoint for GetOrders {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let params = query::parse(&req, &["status", "view", "limit", "cursor"])?;
        let mut errors = FieldErrors::default();
        let status = errors.take(params.get("status", str::parse::<OrderStatus>)).flatten();
        let view = errors.take(params.get("view", str::parse::<View>)).flatten();
        let asked = PageAsked::of(&params, &mut errors);
        errors.finish(|| ())?;
        let listing = match (Side::of(&caller, view)?, status) {
            (Side::Every, Some(status)) => Listing::WithStatus(status),
            (Side::Every, None) => Listing::All,
            (Side::SoldBy(user), _) => Listing::OfVendor(user),
            (Side::BoughtBy(user), _) => Listing::OfCustomer(user),
        };
        let cursors = self.cursors.of_list(format!("orders|{listing:?}|{status:?}"));
        let start: Option<Position> = cursors.start(asked.cursor.as_deref())?;
        let (items, next) = self.orders.list(listing, status, asked.limit, start).await?;
        Ok(response::json(StatusCode::OK, &Page { items, next_cursor: cursors.next(next) }))
    }
}
