//! `POST /api/auth/register`: a new customer account, unverified, and a verification token sent
//! through the notification channel.

use std::sync::Arc;

use shared::accounts::registration::{RegisterRequest, Registration};
use shared::accounts::session_tokens::UserResponse;
use shared::accounts::{Account, Role, SecretToken, User};
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::audit::{AuditAction, AuditEntry, Subject};
use shared::db::{AuditLog, RateLimiter, SessionRepo, UserRepo, rate_limits};
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::ids::UserId;
use shared::notify::{Notification, NotificationType, Publisher};
use shared::{ApiError, App};

pub struct RegisterUser {
    users: UserRepo,
    sessions: SessionRepo,
    limits: RateLimiter,
    audit: AuditLog,
    publisher: Arc<dyn Publisher>,
    clock: Arc<dyn Clock>,
}

impl RegisterUser {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::from_app(app)?,
            sessions: SessionRepo::from_app(app)?,
            limits: RateLimiter::from_app(app)?,
            audit: AuditLog::from_app(app)?,
            publisher: app.publisher()?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for RegisterUser {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let registration = Registration::try_from(body::json::<RegisterRequest>(&req)?)?;
        self.limits.acquire(&rate_limits::REGISTRATIONS, &context::source_ip(&req)).await?;
        let now = self.clock.now();
        let user = User {
            id: UserId::new(),
            email: registration.email,
            name: registration.name,
            phone: registration.phone,
            role: Role::Customer,
            email_verified: false,
            created_at: now,
        };
        let password = registration.password;
        // argon2id is CPU-bound: keep it off the async workers.
        let password_hash = tokio::task::spawn_blocking(move || password.hash()).await.map_err(ApiError::internal)?;
        let account = Account { user: user.clone(), password_hash };
        self.users.create(&account).await?;

        // An account whose verification message never left could never be verified: if it cannot
        // be sent, the account goes again and the client may simply retry.
        let token = SecretToken::generate();
        let sent = match self.sessions.issue_verification(user.id, &token, now).await {
            Ok(()) => self.publisher.publish(&verification_message(&user, &token)).await,
            Err(e) => Err(e),
        };
        if let Err(error) = sent {
            self.users.remove_unverified(&account).await?;
            return Err(error);
        }
        self.audit.record(AuditEntry::of(&req, AuditAction::Registered, Subject::User(user.id))).await;
        Ok(response::json(StatusCode::CREATED, &UserResponse { user }))
    }
}

fn verification_message(user: &User, token: &SecretToken) -> Notification {
    Notification {
        id: None,
        kind: NotificationType::EmailVerification,
        to: user.email.to_string(),
        user_id: Some(user.id),
        subject: "Verify your email – فعّل بريدك الإلكتروني".into(),
        body: format!(
            "Welcome to Souk El-Sayarat, {}! Your verification code is {} (valid for 24 hours).\n\
             أهلاً بك في سوق السيارات! رمز التفعيل الخاص بك هو {} (صالح لمدة 24 ساعة).",
            user.name.as_str(),
            token.expose(),
            token.expose()
        ),
        data: serde_json::json!({ "token": token.expose() }),
    }
}
