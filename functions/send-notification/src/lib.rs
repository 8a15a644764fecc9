//! `POST /api/notifications` (admin): a message to one user or to everyone with a role. It is
//! queued and answered 202 at once with the announcement's id; `onAnnouncementCreated` delivers
//! it to every inbox and channel. With `Idempotency-Key`, a retry replays the first answer.

use serde::{Deserialize, Serialize};
use shared::accounts::Role;
use shared::config::ConfigError;
use shared::db::announcements::Queued;
use shared::error::FieldErrors;
use shared::fields::text;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, header, idempotency};
use shared::ids::{NotificationId, UserId};
use shared::notify::announcement::{self, Audience};
use shared::services::announcer::{Announcer, Draft};
use shared::{ApiError, App};

pub struct SendNotification {
    auth: Authenticator,
    announcer: Announcer,
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
}

impl SendNotification {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, announcer: Announcer::new(&app.database())? })
    }
}

impl Endpoint for SendNotification {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Admin])?;
        let key = idempotency::key(&req)?;
        let request: SendRequest = body::json(&req)?;
        let draft = draft(request)?;
        let raw: serde_json::Value = body::json(&req)?;
        let queued = self.announcer.send(caller.user_id, draft, key.as_ref().map(|k| (k, &raw))).await?;
        let (id, replayed) = match queued {
            Queued::New(id) => (id, false),
            Queued::Replayed(id) => (id, true),
        };
        let mut response =
            Response::builder().status(StatusCode::ACCEPTED).header(header::CONTENT_TYPE, "application/json");
        if replayed {
            response = response.header("idempotent-replayed", "true");
        }
        let body = serde_json::to_string(&Accepted { id }).expect("an id serializes");
        Ok(response.body(Body::Text(body)).expect("a JSON response"))
    }
}

/// The request's fields, each checked.
fn draft(request: SendRequest) -> Result<Draft, ApiError> {
    let mut errors = FieldErrors::default();
    let title = errors.take(text("title", &request.title, 1, 120));
    let body = errors.take(text("body", &request.body, 1, 2000));
    let (Some(title), Some(body)) = (title, body) else { return errors.finish(|| unreachable!()) };
    let audience = match (request.audience.user_id, request.audience.role) {
        (Some(user), None) => Audience::UserId(user),
        (None, Some(role)) => Audience::Role(role),
        _ => return Err(ApiError::validation("audience", "must name exactly one of userId or role")),
    };
    let data = request.data.unwrap_or_default();
    announcement::check_data(&data).map_err(|message| ApiError::validation("data", message))?;
    let data = serde_json::Value::Object(data);
    Ok(Draft { audience, title, body, data })
}
