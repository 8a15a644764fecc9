//! `POST /api/notifications` (admin): a message to one user or to everyone with a role, stored in
//! each inbox and published to the delivery channels. Answers 202 with how many it reached.

use serde::{Deserialize, Serialize};
use shared::accounts::Role;
use shared::config::ConfigError;
use shared::error::FieldErrors;
use shared::fields::text;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, response};
use shared::ids::{NotificationId, UserId};
use shared::services::announcements::{Announcements, Audience};
use shared::{ApiError, App};

pub struct SendNotification {
    auth: Authenticator,
    announcements: Announcements,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AudienceRequest {
    user_id: Option<UserId>,
    role: Option<Role>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendRequest {
    audience: AudienceRequest,
    title: String,
    body: String,
    #[serde(default)]
    data: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize)]
struct Accepted {
    id: NotificationId,
    recipients: usize,
}

impl SendNotification {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            announcements: Announcements::new(&app.database(), app.publisher()?)?,
        })
    }
}

impl Endpoint for SendNotification {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Admin])?;
        let request: SendRequest = body::json(&req)?;
        let mut errors = FieldErrors::default();
        let title = errors.take(text("title", &request.title, 1, 120));
        let body = errors.take(text("body", &request.body, 1, 2000));
        let (Some(title), Some(body)) = (title, body) else { return errors.finish(|| unreachable!()) };
        let audience = match (request.audience.user_id, request.audience.role) {
            (Some(user), None) => Audience::User(user),
            (None, Some(role)) => Audience::Role(role),
            _ => return Err(ApiError::validation("audience", "must name exactly one of userId or role")),
        };
        let data = serde_json::Value::Object(request.data.unwrap_or_default());
        let (id, recipients) = self.announcements.send(audience, &title, &body, &data).await?;
        Ok(response::json(StatusCode::ACCEPTED, &Accepted { id, recipients }))
    }
}
