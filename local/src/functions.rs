//! The functions the runner can call in-process, by binary name. Each is built the way its
//! `main.rs` builds it, from the environment template.yaml gives it, so a function that asks for a
//! table the template does not pass it fails here exactly as it would in AWS.

use std::sync::Arc;

use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use shared::config::ConfigError;
use shared::http::{Endpoint, serve};
use shared::object_events::{ObjectEvent, ObjectTrigger};
use shared::sockets::{SocketEvent, SocketResponse, SocketRoute};
use shared::streams::Trigger;
use shared::{ApiError, App};

use crate::streams::StreamHandler;

pub type HttpHandler = Arc<dyn Fn(Request) -> BoxFuture<'static, Response<Body>> + Send + Sync>;
/// An S3 trigger: `Err` is a failed invocation, which Lambda retries.
pub type ObjectHandler = Arc<dyn Fn(ObjectEvent) -> BoxFuture<'static, Result<(), ApiError>> + Send + Sync>;
/// A route of the WebSocket API: its answer's status decides only whether `$connect` is accepted.
pub type SocketHandler = Arc<dyn Fn(SocketEvent) -> BoxFuture<'static, SocketResponse> + Send + Sync>;

/// What the runner does with a function of template.yaml.
pub enum Role {
    /// Served on its HTTP routes.
    Http(HttpHandler),
    /// Fed its table's stream.
    Stream(StreamHandler),
    /// Invoked with its bucket's object-created events.
    Objects(ObjectHandler),
    /// Invoked for its routes of the WebSocket API.
    Socket(SocketHandler),
    /// The deploy-time category seed; the runner seeds at start instead.
    DeploymentSeed,
}

fn http<E: Endpoint>(endpoint: Result<E, ConfigError>) -> Result<Role, ConfigError> {
    let endpoint = Arc::new(endpoint?);
    Ok(Role::Http(Arc::new(move |req| {
        let endpoint = Arc::clone(&endpoint);
        Box::pin(async move { serve(endpoint.as_ref(), req).await })
    })))
}

fn stream<T: Trigger>(trigger: Result<T, ConfigError>) -> Result<Role, ConfigError> {
    let trigger = Arc::new(trigger?);
    Ok(Role::Stream(Arc::new(move |event| {
        let trigger = Arc::clone(&trigger);
        Box::pin(async move { shared::streams::process(trigger.as_ref(), &event).await })
    })))
}

fn objects<T: ObjectTrigger>(trigger: Result<T, ConfigError>) -> Result<Role, ConfigError> {
    let trigger = Arc::new(trigger?);
    Ok(Role::Objects(Arc::new(move |event| {
        let trigger = Arc::clone(&trigger);
        Box::pin(async move { shared::object_events::process(trigger.as_ref(), &event).await })
    })))
}

fn socket<R: SocketRoute>(route: Result<R, ConfigError>) -> Result<Role, ConfigError> {
    let route = Arc::new(route?);
    Ok(Role::Socket(Arc::new(move |event| {
        let route = Arc::clone(&route);
        Box::pin(async move { shared::sockets::process(route.as_ref(), &event).await })
    })))
}

/// Builds the function with binary name `binary`; `None` if the runner does not know it.
pub async fn build(binary: &str, app: &App) -> Option<Result<Role, ConfigError>> {
    Some(match binary {
        "health" => http(health::Health::new(app)),
        "route-not-found" => http(route_not_found::RouteNotFound::new(app)),
        "get-categories" => http(get_categories::GetCategories::new(app)),
        "get-products" => http(get_products::GetProducts::new(app)),
        "get-product" => http(get_product::GetProduct::new(app)),
        "seed-catalog" => seed_catalog::SeedCatalog::new(app).map(|_| Role::DeploymentSeed),
        "register-user" => http(register_user::RegisterUser::new(app)),
        "verify-user" => http(verify_user::VerifyUser::new(app)),
        "login" => http(login::Login::new(app)),
        "refresh-token" => http(refresh_token::RefreshToken::new(app)),
        "logout" => http(logout::Logout::new(app)),
        "get-me" => http(get_me::GetMe::new(app)),
        "resend-verification" => http(resend_verification::ResendVerification::new(app)),
        "forgot-password" => http(forgot_password::ForgotPassword::new(app)),
        "reset-password" => http(reset_password::ResetPassword::new(app)),
        "change-password" => http(change_password::ChangePassword::new(app)),
        "update-me" => http(update_me::UpdateMe::new(app)),
        "delete-me" => http(delete_me::DeleteMe::new(app)),
        "submit-vendor-application" => http(submit_vendor_application::SubmitVendorApplication::new(app)),
        "get-vendor-applications" => http(get_vendor_applications::GetVendorApplications::new(app)),
        "decide-vendor-application" => http(decide_vendor_application::DecideVendorApplication::new(app)),
        "get-vendor" => http(get_vendor::GetVendor::new(app)),
        "create-product" => http(create_product::CreateProduct::new(app)),
        "update-product" => http(update_product::UpdateProduct::new(app)),
        "delete-product" => http(delete_product::DeleteProduct::new(app)),
        "search-products" => http(search_products::SearchProducts::new(app)),
        "send-notification" => http(send_notification::SendNotification::new(app)),
        "get-notifications" => http(get_notifications::GetNotifications::new(app)),
        "mark-notification-read" => http(mark_notification_read::MarkNotificationRead::new(app)),
        "create-order" => http(create_order::CreateOrder::new(app)),
        "get-orders" => http(get_orders::GetOrders::new(app)),
        "get-order" => http(get_order::GetOrder::new(app)),
        "update-order-status" => http(update_order_status::UpdateOrderStatus::new(app)),
        "on-order-created" => stream(on_order_created::OnOrderCreated::new(app)),
        "on-order-updated" => stream(on_order_updated::OnOrderUpdated::new(app)),
        "on-announcement-created" => stream(on_announcement_created::OnAnnouncementCreated::new(app)),
        "on-product-created" => stream(on_product_created::OnProductCreated::new(app)),
        "on-product-changed" => stream(on_product_changed::OnProductChanged::new(app)),
        "on-vendor-application-created" => stream(on_vendor_application_created::OnVendorApplicationCreated::new(app)),
        "on-vendor-application-updated" => stream(on_vendor_application_updated::OnVendorApplicationUpdated::new(app)),
        "get-analytics" => http(get_analytics::GetAnalytics::new(app)),
        "trigger-analytics-update" => http(trigger_analytics_update::TriggerAnalyticsUpdate::new(app)),
        "update-analytics" => stream(update_analytics::UpdateAnalytics::new(app)),
        "on-user-verified" => stream(on_user_verified::OnUserVerified::new(app)),
        "paymob-webhook" => http(paymob_webhook::PaymobWebhook::new(app)),
        "expire-unpaid-checkouts" => stream(expire_unpaid_checkouts::ExpireUnpaidCheckouts::new(app)),
        "refund-payment" => stream(refund_payment::RefundPayment::new(app)),
        "request-upload" => http(request_upload::RequestUpload::new(app)),
        "get-upload" => http(get_upload::GetUpload::new(app)),
        "get-application-document" => http(get_application_document::GetApplicationDocument::new(app)),
        "on-upload-received" => objects(on_upload_received::OnUploadReceived::new(app)),
        "on-upload-expired" => stream(on_upload_expired::OnUploadExpired::new(app)),
        "start-conversation" => http(start_conversation::StartConversation::new(app)),
        "get-conversations" => http(get_conversations::GetConversations::new(app)),
        "get-messages" => http(get_messages::GetMessages::new(app)),
        "send-message" => http(send_message::SendMessage::new(app)),
        "mark-conversation-read" => http(mark_conversation_read::MarkConversationRead::new(app)),
        "get-presence" => http(get_presence::GetPresence::new(app)),
        "ws-connect" => socket(ws_connect::WsConnect::new(app)),
        "ws-disconnect" => socket(ws_disconnect::WsDisconnect::new(app)),
        "ws-send-message" => socket(ws_send_message::WsSendMessage::new(app)),
        "ws-typing" => socket(ws_typing::WsTyping::new(app)),
        "ws-default" => socket(ws_default::WsDefault::new(app)),
        "on-message-created" => stream(on_message_created::OnMessageCreated::new(app)),
        "on-notification-created" => stream(on_notification_created::OnNotificationCreated::new(app)),
        _ => return None,
    })
}
