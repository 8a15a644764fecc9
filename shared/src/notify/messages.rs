//! What each event tells whom, in English and Arabic: the one place the marketplace's
//! notification texts are written.

use serde_json::json;

use crate::accounts::{Channel, SecretToken, User};
use crate::conversations::{Conversation, Message};
use crate::ids::UserId;
use crate::money::Money;
use crate::notify::{Notification, NotificationType};
use crate::orders::Order;
use crate::vendors::{ApplicationStatus, VendorApplication};

/// Account security messages (verification and reset codes, a paused sign-in) go to the account's
/// email address whatever channels its owner chose: nobody opts out of their own account's codes.
const BY_EMAIL_ONLY: [Channel; 1] = [Channel::Email];

/// The verification code a new account is sent, to its email address.
pub fn email_verification(user: &User, token: &SecretToken) -> Notification {
    Notification {
        id: None,
        kind: NotificationType::EmailVerification,
        to: user.email.to_string(),
        user_id: Some(user.id),
        channels: BY_EMAIL_ONLY.to_vec(),
        subject: "Verify your email – فعّل بريدك الإلكتروني".into(),
        body: format!(
            "Welcome to Souk El-Sayarat, {}! Your verification code is {} (valid for 24 hours).\n\
             أهلاً بك في سوق السيارات! رمز التفعيل الخاص بك هو {} (صالح لمدة 24 ساعة).",
            user.name.as_str(),
            token.expose(),
            token.expose()
        ),
        data: json!({ "token": token.expose() }),
    }
}

/// A password reset code, to the account's email address.
pub fn password_reset(user: &User, token: &SecretToken) -> Notification {
    Notification {
        id: None,
        kind: NotificationType::PasswordReset,
        to: user.email.to_string(),
        user_id: Some(user.id),
        channels: BY_EMAIL_ONLY.to_vec(),
        subject: "Reset your password – إعادة تعيين كلمة المرور".into(),
        body: format!(
            "Your password reset code is {} (valid for 1 hour, once). If you did not ask for it, ignore this message.\n\
             رمز إعادة تعيين كلمة المرور هو {} (صالح لمدة ساعة واحدة ولمرة واحدة).",
            token.expose(),
            token.expose()
        ),
        data: json!({ "token": token.expose() }),
    }
}

/// The owner of an email that failed to log in too often from too many addresses hears that
/// logins are paused for an hour (a sign of a distributed attack on the password).
pub fn login_locked(user: &User) -> Notification {
    Notification {
        id: None,
        kind: NotificationType::LoginLocked,
        to: user.email.to_string(),
        user_id: Some(user.id),
        channels: BY_EMAIL_ONLY.to_vec(),
        subject: "Sign-in to your account is paused – تم إيقاف تسجيل الدخول مؤقتاً".into(),
        body: "Many wrong passwords were tried for your account from many places, so signing in is paused \
               for up to an hour. If this was not you, consider choosing a new password.\n\
               تمت محاولة كلمات مرور خاطئة كثيرة لحسابك، لذلك تم إيقاف تسجيل الدخول لمدة تصل إلى ساعة."
            .into(),
        data: json!({}),
    }
}

/// An admin hears of a new vendor application.
pub fn application_submitted(application: &VendorApplication, admin: UserId) -> Notification {
    Notification {
        id: None,
        kind: NotificationType::VendorApplicationSubmitted,
        to: admin.to_string(),
        user_id: Some(admin),
        channels: Channel::ALL.to_vec(),
        subject: format!("New vendor application: {}", application.business_name),
        body: format!(
            "{} ({:?}, {}) applied to sell on Souk El-Sayarat.\nطلب تاجر جديد: {}",
            application.business_name,
            application.business_type,
            application.governorate.slug(),
            application.business_name
        ),
        data: json!({ "applicationId": application.id, "applicantId": application.applicant_id }),
    }
}

/// The applicant hears the decision on their application (and the reason for a rejection).
pub fn application_decided(application: &VendorApplication) -> Notification {
    let reason = application.decision.as_ref().and_then(|d| d.reason.clone());
    let (subject, body) = match application.status {
        ApplicationStatus::Approved => (
            "You are now a vendor on Souk El-Sayarat – تمت الموافقة على طلبك".to_owned(),
            "Your vendor application was approved. Sign in again to start listing.\nتمت الموافقة على طلبك كتاجر."
                .to_owned(),
        ),
        _ => {
            let why = reason.as_deref().unwrap_or("-");
            (
                "Your vendor application was not approved – لم تتم الموافقة على طلبك".to_owned(),
                format!("Reason: {why}\nالسبب: {why}"),
            )
        }
    };
    Notification {
        id: None,
        kind: NotificationType::VendorApplicationDecided,
        to: application.applicant_id.to_string(),
        user_id: Some(application.applicant_id),
        channels: Channel::ALL.to_vec(),
        subject,
        body,
        data: json!({ "applicationId": application.id, "status": application.status, "reason": reason }),
    }
}

/// The customer hears their order was placed.
pub fn order_placed(order: &Order) -> Notification {
    Notification {
        id: None,
        kind: NotificationType::OrderCreated,
        to: order.customer_id.to_string(),
        user_id: Some(order.customer_id),
        channels: Channel::ALL.to_vec(),
        subject: format!("Order {} placed – تم استلام طلبك", order.id),
        body: format!(
            "Your order of {} item(s), {} in total, is waiting for the vendor's confirmation.",
            order.items.len(),
            egp(order.total)
        ),
        data: order_data(order),
    }
}

/// The vendor hears of an order to fulfil.
pub fn order_received(order: &Order) -> Notification {
    Notification {
        id: None,
        kind: NotificationType::OrderReceived,
        to: order.vendor_id.to_string(),
        user_id: Some(order.vendor_id),
        channels: Channel::ALL.to_vec(),
        subject: format!("New order {} – طلب جديد", order.id),
        body: format!(
            "{} item(s), {} in total, to deliver to {}, {}.",
            order.items.len(),
            egp(order.total),
            order.shipping_address.city,
            order.shipping_address.governorate.slug()
        ),
        data: order_data(order),
    }
}

/// The customer hears their order's new status.
pub fn order_status_changed(order: &Order) -> Notification {
    let status = order.status.as_str();
    to_buyer(
        order,
        NotificationType::OrderStatusChanged,
        format!("Order {} is {status} – تحديث حالة الطلب", order.id),
        format!("Your order {} is now {status}.", order.id),
    )
}

/// The customer hears their online payment settled: paid, failed (the order is cancelled) or
/// refunded.
pub fn payment_status_changed(order: &Order) -> Notification {
    let payment = order.payment_status.as_str();
    to_buyer(
        order,
        NotificationType::PaymentStatusChanged,
        format!("Payment for order {} {payment} – تحديث حالة الدفع", order.id),
        format!("The payment for your order {} is now {payment}.", order.id),
    )
}

/// A message to someone with no open connection, about the conversation it is in (at most one
/// such notice per conversation per 10 minutes: the rest wait in the conversation).
pub fn chat_message(conversation: &Conversation, message: &Message) -> Notification {
    let recipient = conversation.other_than(message.sender_id);
    Notification {
        id: None,
        kind: NotificationType::ChatMessage,
        to: recipient.to_string(),
        user_id: Some(recipient),
        channels: Channel::ALL.to_vec(),
        subject: format!("New message about {} – رسالة جديدة", conversation.product_title),
        body: message.preview(),
        data: json!({ "conversationId": conversation.id, "messageId": message.id, "productId": conversation.product_id }),
    }
}

/// A change of `order` told to its buyer, with where the order and its payment now stand.
fn to_buyer(order: &Order, kind: NotificationType, subject: String, body: String) -> Notification {
    Notification {
        id: None,
        kind,
        to: order.customer_id.to_string(),
        user_id: Some(order.customer_id),
        channels: Channel::ALL.to_vec(),
        subject,
        body,
        data: json!({ "orderId": order.id, "status": order.status, "paymentStatus": order.payment_status }),
    }
}

/// An admin's message to one user.
pub fn announcement(to: UserId, title: &str, body: &str, data: &serde_json::Value) -> Notification {
    Notification {
        id: None,
        kind: NotificationType::Announcement,
        to: to.to_string(),
        user_id: Some(to),
        channels: Channel::ALL.to_vec(),
        subject: title.to_owned(),
        body: body.to_owned(),
        data: data.clone(),
    }
}

fn order_data(order: &Order) -> serde_json::Value {
    json!({ "orderId": order.id, "checkoutId": order.checkout_id, "total": order.total })
}

/// `1234.50 EGP`: piasters as pounds, never through a float.
fn egp(money: Money) -> String {
    format!("{}.{:02} EGP", money.amount / 100, money.amount % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_pounds_and_piasters() {
        assert_eq!(egp(Money::egp(123_450)), "1234.50 EGP");
        assert_eq!(egp(Money::egp(7)), "0.07 EGP");
    }
}
