//! `POST /api/notifications` (admin): a message to one user or to everyone with a role, stored in
//! each inbox and published to the delivery channels. Answers 202 with how many it reached.

use std::sync::Arc;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use shared::accounts::Role;
use shared::auth::Authenticator;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::UserRepo;
use shared::error::FieldErrors;
use shared::fields::text;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, response};
use shared::ids::{NotificationId, UserId};
use shared::notify::once::Notifier;
use shared::notify::{Notification, NotificationType};
use shared::{ApiError, App};

pub struct SendNotification {
    auth: Authenticator,
    users: UserRepo,
    notifier: Notifier,
    clock: Arc<dyn Clock>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Audience {
    user_id: Option<UserId>,
    role: Option<Role>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendRequest {
    audience: Audience,
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

/// Inboxes written at once during a fan-out.
const CONCURRENCY: usize = 16;

impl SendNotification {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            users: UserRepo::from_app(app)?,
            notifier: Notifier::from_app(app)?,
            clock: Arc::clone(&app.clock),
        })
    }

    async fn recipients(&self, audience: &Audience) -> Result<Vec<UserId>, ApiError> {
        match (audience.user_id, audience.role) {
            (Some(user), None) => match self.users.get(user).await? {
                Some(_) => Ok(vec![user]),
                None => Err(ApiError::validation("audience.userId", "no such user")),
            },
            (None, Some(role)) => self.users.ids_with_role(role).await,
            _ => Err(ApiError::validation("audience", "must name exactly one of userId or role")),
        }
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
        let recipients = self.recipients(&request.audience).await?;
        let id = NotificationId::new();
        let at = self.clock.now();
        let data = serde_json::Value::Object(request.data.unwrap_or_default());
        let (title, body) = (&title, &body);
        let data = &data;
        let sent = futures::stream::iter(recipients.iter().copied())
            .map(|user: UserId| {
                let notification = Notification {
                    id: None,
                    kind: NotificationType::Announcement,
                    to: user.to_string(),
                    user_id: Some(user),
                    subject: title.clone(),
                    body: body.clone(),
                    data: data.clone(),
                };
                async move { self.notifier.send_once(&format!("announcement#{id}#{user}"), at, &notification).await }
            })
            .buffer_unordered(CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
        sent.into_iter().collect::<Result<Vec<()>, _>>()?;
        Ok(response::json(StatusCode::ACCEPTED, &Accepted { id, recipients: recipients.len() }))
    }
}
