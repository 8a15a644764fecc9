//! `GET /api/vendor-applications` (admins: all, optionally by `status`; anyone else: their own) and
//! `GET /api/vendor-applications/{id}` (admins, or the applicant; anyone else 404).

use shared::accounts::Caller;
use shared::config::ConfigError;
use shared::cursor::CursorCodec;
use shared::db::ApplicationRepo;
use shared::db::applications::{Listing, Position};
use shared::error::FieldErrors;
use shared::http::page::{Page, PageAsked};
use shared::http::{Authenticator, Body, Endpoint, Request, RequestExt, Response, StatusCode, path, query, response};
use shared::ids::ApplicationId;
use shared::vendors::ApplicationStatus;
use shared::vendors::responses::ApplicationResponse;
use shared::{ApiError, App};

pub struct GetVendorApplications {
    auth: Authenticator,
    applications: ApplicationRepo,
    cursors: CursorCodec,
}

impl GetVendorApplications {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            applications: ApplicationRepo::new(&app.database())?,
            cursors: CursorCodec::new(app.config.cursor_secret()?),
        })
    }

    async fn one(&self, caller: &Caller, req: &Request) -> Result<Response<Body>, ApiError> {
        let id: ApplicationId = path::id(req, "id")?;
        let application = self.applications.get(id).await?.ok_or(ApiError::NotFound)?;
        caller.ensure_can_see(&[application.applicant_id])?;
        Ok(response::json(StatusCode::OK, &ApplicationResponse { application }))
    }

    async fn list(&self, caller: &Caller, req: &Request) -> Result<Response<Body>, ApiError> {
        let params = query::parse(req, &["status", "limit", "cursor"])?;
        let mut errors = FieldErrors::default();
        let status = errors.take(params.get("status", str::parse::<ApplicationStatus>)).flatten();
        let asked = PageAsked::of(&params, &mut errors);
        errors.finish(|| ())?;
        // Non-admins only ever see their own, whatever they ask for.
        let listing = match (caller.is_admin(), status) {
            (true, Some(status)) => Listing::WithStatus(status),
            (true, None) => Listing::All,
            (false, _) => Listing::Of(caller.user_id),
        };
        let cursors = self.cursors.of_list(format!("applications|{listing:?}"));
        let start: Option<Position> = cursors.start(asked.cursor.as_deref())?;
        let (mut items, next) = self.applications.list(listing, asked.limit, start).await?;
        if let (false, Some(status)) = (caller.is_admin(), status) {
            items.retain(|a| a.status == status);
        }
        Ok(response::json(StatusCode::OK, &Page { items, next_cursor: cursors.next(next) }))
    }
}

impl Endpoint for GetVendorApplications {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let has_id = req.path_parameters_ref().is_some_and(|p| p.first("id").is_some());
        if has_id { self.one(&caller, &req).await } else { self.list(&caller, &req).await }
    }
}
