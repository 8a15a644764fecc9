//! `POST /api/auth/login`: email and password for an access token and a refresh token. A wrong
//! password and an unknown email are the same 401, in the same time; five failures for one email
//! in a 15-minute window lock it until the window ends (429).

use std::sync::Arc;

use serde::Deserialize;
use shared::accounts::session_tokens::TokenResponse;
use shared::accounts::tokens::TokenIssuer;
use shared::accounts::{Email, Password, PasswordHash, SecretToken};
use shared::app::load_private_key;
use shared::clock::Clock;
use shared::config::{ConfigError, vars};
use shared::db::audit::{AuditAction, AuditEntry, Subject};
use shared::db::{AuditLog, RateLimiter, SessionRepo, UserRepo, rate_limits};
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, response};
use shared::{ApiError, App};

pub struct Login {
    users: UserRepo,
    sessions: SessionRepo,
    limits: RateLimiter,
    audit: AuditLog,
    issuer: TokenIssuer,
    clock: Arc<dyn Clock>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    email: String,
    password: String,
}

impl Login {
    pub async fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::from_app(app)?,
            sessions: SessionRepo::from_app(app)?,
            limits: RateLimiter::from_app(app)?,
            audit: AuditLog::from_app(app)?,
            issuer: TokenIssuer::from_private_base64(vars::JWT_PRIVATE_KEY, &load_private_key(&app.config).await?)?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for Login {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: LoginRequest = body::json(&req)?;
        // Neither can belong to an account, but they get the same answer as a wrong password.
        let email = Email::parse(&request.email).map_err(|_| ApiError::InvalidCredentials)?;
        let password = Password::candidate(&request.password).ok_or(ApiError::InvalidCredentials)?;

        // Every attempt takes a unit of the email's failure budget; a success gives it back.
        let permit = match self.limits.acquire(&rate_limits::LOGIN_FAILURES, &email.digest()).await {
            Ok(permit) => permit,
            Err(limited) => {
                self.audit.record(AuditEntry::of(&req, AuditAction::LoginRateLimited, Subject::Email(&email))).await;
                return Err(limited);
            }
        };
        let account = self.users.find_by_email(&email).await?;
        let (account, password_ok) = tokio::task::spawn_blocking(move || match account {
            Some(account) => {
                let ok = account.password_hash.verify(&password);
                (Some(account), ok)
            }
            None => {
                PasswordHash::verify_against_nothing(&password);
                (None, false)
            }
        })
        .await
        .map_err(ApiError::internal)?;
        let account = match (account, password_ok) {
            (Some(account), true) => account,
            (account, _) => {
                let subject = account.map_or(Subject::Email(&email), |a| Subject::User(a.user.id));
                self.audit.record(AuditEntry::of(&req, AuditAction::LoginFailed, subject)).await;
                return Err(ApiError::InvalidCredentials);
            }
        };
        self.limits.release(permit).await?;

        let now = self.clock.now();
        let refresh = SecretToken::generate();
        self.sessions.start(account.user.id, &refresh, now).await?;
        self.audit.record(AuditEntry::of(&req, AuditAction::LoginSucceeded, Subject::User(account.user.id))).await;
        let access = self.issuer.issue(&account.user, now);
        Ok(response::json(StatusCode::OK, &TokenResponse::new(access, &refresh, account.user)))
    }
}
