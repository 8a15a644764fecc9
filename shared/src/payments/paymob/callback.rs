//! Paymob's *transaction processed* callback, `{ "type": "TRANSACTION", "obj": { … } }`, parsed
//! whole: a body that is not a well-formed transaction is a [`CallbackError`], never a half-read
//! value.
//!
//! Paymob signs only twenty values of `obj`. The parser reads them in the order Paymob
//! concatenates them, writing each down as received, so the text that is verified is the text
//! Paymob signed; everything else the callback says is unsigned and is read only where noted.

use serde_json::Value;

use super::signature::{BadSignature, HmacSecret};
use crate::payments::provider::CurrencyCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the body is not a JSON object")]
    NotJson,
    /// Paymob posts other callbacks to the same address, such as `TOKEN` for a saved card.
    #[error("the callback is of type {0:?}, not TRANSACTION")]
    NotATransaction(String),
    #[error("`{0}` is missing")]
    Missing(&'static str),
    #[error("`{field}` must be {expected}")]
    Invalid { field: &'static str, expected: &'static str },
}

/// A transaction as the callback describes it, signed or not: what [`VerifiedCallback`] vouches
/// for, and what the audit record of a refused callback shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// Paymob's transaction id (`obj.id`).
    pub id: u64,
    /// Paymob's order id (`obj.order.id`): the one the intention was created with.
    pub order_id: u64,
    /// In minor units of `currency` (piasters for EGP).
    pub amount_cents: u64,
    pub currency: CurrencyCode,
    pub success: bool,
    /// Not settled yet: the buyer is at the bank's one-time-password page, or a kiosk payment
    /// waits for cash.
    pub pending: bool,
    pub is_refunded: bool,
    pub is_voided: bool,
    /// Paymob's spelling.
    pub error_occured: bool,
    /// A refund, void or capture of an earlier transaction, rather than a payment.
    pub has_parent_transaction: bool,
    pub is_auth: bool,
    pub is_capture: bool,
    pub is_3d_secure: bool,
    pub is_standalone_payment: bool,
    /// The Paymob integration (payment method) that took it.
    pub integration_id: u64,
    /// The merchant's Paymob user.
    pub owner: u64,
    /// As Paymob wrote it: its callback sample has no offset and its redirect sample has one, so
    /// it is kept as the text Paymob signs rather than guessed into an instant.
    pub created_at: String,
    pub source_data: SourceData,
    /// The intention's `special_reference` (the checkout id), which Paymob hands back as
    /// `obj.order.merchant_order_id`. NOT SIGNED: anyone who replays a signed callback can change
    /// it, so it may label an audit record but never decide which checkout is paid.
    pub merchant_order_id: Option<String>,
}

/// How the buyer paid, as Paymob describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceData {
    /// `card`, `wallet`, …
    pub kind: String,
    /// `MasterCard`, `Visa`, `wallet`, …
    pub sub_type: String,
    /// A card's last four digits, a wallet's phone number.
    pub pan: String,
}

/// A well-formed callback whose signature is not checked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    transaction: Transaction,
    signed_text: String,
}

/// A callback Paymob signed: the only way to a [`super::outcome`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCallback(Transaction);

impl VerifiedCallback {
    pub fn transaction(&self) -> &Transaction {
        &self.0
    }
}

impl Callback {
    pub fn parse(body: &[u8]) -> Result<Self, CallbackError> {
        let body: Value = serde_json::from_slice(body).map_err(|_| CallbackError::NotJson)?;
        if !body.is_object() {
            return Err(CallbackError::NotJson);
        }
        match body.get("type") {
            Some(Value::String(kind)) if kind == "TRANSACTION" => {}
            Some(Value::String(kind)) => return Err(CallbackError::NotATransaction(kind.clone())),
            Some(_) => return Err(CallbackError::Invalid { field: "type", expected: "a string" }),
            None => return Err(CallbackError::Missing("type")),
        }
        if !at(&body, "obj")?.is_object() {
            return Err(CallbackError::Invalid { field: "obj", expected: "an object" });
        }
        // Paymob's order, which is the order of the concatenation.
        let mut signed = Signed { body: &body, text: String::new() };
        let amount_cents = signed.whole("obj.amount_cents")?;
        let created_at = signed.string("obj.created_at")?;
        let currency = signed.string("obj.currency")?;
        let error_occured = signed.flag("obj.error_occured")?;
        let has_parent_transaction = signed.flag("obj.has_parent_transaction")?;
        let id = signed.whole("obj.id")?;
        let integration_id = signed.whole("obj.integration_id")?;
        let is_3d_secure = signed.flag("obj.is_3d_secure")?;
        let is_auth = signed.flag("obj.is_auth")?;
        let is_capture = signed.flag("obj.is_capture")?;
        let is_refunded = signed.flag("obj.is_refunded")?;
        let is_standalone_payment = signed.flag("obj.is_standalone_payment")?;
        let is_voided = signed.flag("obj.is_voided")?;
        let order_id = signed.whole("obj.order.id")?;
        let owner = signed.whole("obj.owner")?;
        let pending = signed.flag("obj.pending")?;
        let pan = signed.string("obj.source_data.pan")?;
        let sub_type = signed.string("obj.source_data.sub_type")?;
        let kind = signed.string("obj.source_data.type")?;
        let success = signed.flag("obj.success")?;
        let signed_text = signed.text;

        let currency = CurrencyCode::parse(&currency)
            .ok_or(CallbackError::Invalid { field: "obj.currency", expected: "an ISO 4217 code such as EGP" })?;
        let merchant_order_id = match at(&body, "obj.order.merchant_order_id") {
            Ok(Value::String(reference)) => Some(reference.clone()),
            Err(_) => None,
            Ok(_) => {
                return Err(CallbackError::Invalid {
                    field: "obj.order.merchant_order_id",
                    expected: "a string or null",
                });
            }
        };
        let transaction = Transaction {
            id,
            order_id,
            amount_cents,
            currency,
            success,
            pending,
            is_refunded,
            is_voided,
            error_occured,
            has_parent_transaction,
            is_auth,
            is_capture,
            is_3d_secure,
            is_standalone_payment,
            integration_id,
            owner,
            created_at,
            source_data: SourceData { kind, sub_type, pan },
            merchant_order_id,
        };
        Ok(Self { transaction, signed_text })
    }

    /// The twenty signed values, concatenated as Paymob does before it signs.
    pub fn signed_text(&self) -> &str {
        &self.signed_text
    }

    /// What the callback claims before anyone checked it: for the record of a refused callback,
    /// never for deciding anything.
    pub fn unverified(&self) -> &Transaction {
        &self.transaction
    }

    /// The callback, if `hmac` (the `hmac` query parameter; `None` when absent) is Paymob's
    /// signature of it under `secret`.
    pub fn verify(self, secret: &HmacSecret, hmac: Option<&str>) -> Result<VerifiedCallback, BadSignature> {
        secret.verify(&self.signed_text, hmac.ok_or(BadSignature)?)?;
        Ok(VerifiedCallback(self.transaction))
    }

    /// The signature Paymob would send with this callback: for tests and the local gateway.
    pub fn sign(&self, secret: &HmacSecret) -> String {
        secret.sign(&self.signed_text)
    }
}

/// Reads signed values, writing each down as received.
struct Signed<'a> {
    body: &'a Value,
    text: String,
}

impl Signed<'_> {
    /// A whole, non-negative number written as an integer. Paymob writes ids and amounts so; a
    /// number written any other way (`1e5`, `100000.0`) is refused, because Paymob signs the
    /// number as written and only its value survives parsing.
    fn whole(&mut self, field: &'static str) -> Result<u64, CallbackError> {
        let value = at(self.body, field)?;
        let whole = value.as_u64().ok_or(CallbackError::Invalid { field, expected: "a whole number, 0 or more" })?;
        self.text.push_str(&value.to_string());
        Ok(whole)
    }

    /// Signed as `true` or `false`.
    fn flag(&mut self, field: &'static str) -> Result<bool, CallbackError> {
        let flag =
            at(self.body, field)?.as_bool().ok_or(CallbackError::Invalid { field, expected: "true or false" })?;
        self.text.push_str(if flag { "true" } else { "false" });
        Ok(flag)
    }

    fn string(&mut self, field: &'static str) -> Result<String, CallbackError> {
        let text = at(self.body, field)?.as_str().ok_or(CallbackError::Invalid { field, expected: "a string" })?;
        self.text.push_str(text);
        Ok(text.to_owned())
    }
}

/// The value at a dotted path. `null` counts as missing: what Paymob would sign for it is not
/// documented, and a guess would refuse or accept callbacks at random.
fn at<'a>(body: &'a Value, field: &'static str) -> Result<&'a Value, CallbackError> {
    field
        .split('.')
        .try_fold(body, |value, key| value.get(key))
        .filter(|value| !value.is_null())
        .ok_or(CallbackError::Missing(field))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::payments::paymob::fixtures::{
        DOCUMENTED_CALLBACK, DOCUMENTED_HMAC, DOCUMENTED_SECRET, DOCUMENTED_SIGNED_TEXT, SIGNED_FIELDS, documented,
        with,
    };

    fn parse(body: &Value) -> Result<Callback, CallbackError> {
        Callback::parse(body.to_string().as_bytes())
    }

    #[test]
    fn reads_paymobs_documented_callback() {
        let callback = Callback::parse(DOCUMENTED_CALLBACK.as_bytes()).unwrap();
        let t = callback.unverified();
        assert_eq!((t.id, t.order_id, t.amount_cents, t.currency.as_str()), (192036465, 217503754, 100000, "EGP"));
        assert!(t.success && !t.pending && !t.is_refunded && !t.is_voided && !t.error_occured);
        assert!(!t.has_parent_transaction && t.is_standalone_payment && t.is_3d_secure);
        assert_eq!((t.integration_id, t.owner), (4097558, 302852));
        assert_eq!(t.created_at, "2024-06-13T11:33:44.592345");
        assert_eq!(
            t.source_data,
            SourceData { kind: "card".into(), sub_type: "MasterCard".into(), pan: "2346".into() }
        );
        assert_eq!(t.merchant_order_id, None);
    }

    #[test]
    fn concatenates_the_signed_values_as_paymobs_documentation_does() {
        let callback = Callback::parse(DOCUMENTED_CALLBACK.as_bytes()).unwrap();
        assert_eq!(callback.signed_text(), DOCUMENTED_SIGNED_TEXT);
    }

    #[test]
    fn accepts_the_signature_paymobs_documentation_shows() {
        let callback = Callback::parse(DOCUMENTED_CALLBACK.as_bytes()).unwrap();
        let secret = HmacSecret::new(DOCUMENTED_SECRET);
        assert_eq!(callback.sign(&secret), DOCUMENTED_HMAC);
        let verified = callback.clone().verify(&secret, Some(DOCUMENTED_HMAC)).unwrap();
        assert_eq!(verified.transaction(), callback.unverified());
    }

    #[test]
    fn refuses_the_wrong_secret_and_a_missing_or_malformed_hmac() {
        let callback = Callback::parse(DOCUMENTED_CALLBACK.as_bytes()).unwrap();
        let secret = HmacSecret::new(DOCUMENTED_SECRET);
        assert_eq!(
            callback.clone().verify(&HmacSecret::new("04DC1A9490B8CC2094C011FC055ADCDC"), Some(DOCUMENTED_HMAC)),
            Err(BadSignature)
        );
        assert_eq!(
            callback.clone().verify(&HmacSecret::new(DOCUMENTED_SECRET.to_lowercase()), Some(DOCUMENTED_HMAC)),
            Err(BadSignature)
        );
        let not_hex = DOCUMENTED_HMAC.replacen('a', "g", 1);
        for hmac in
            [None, Some(""), Some(&DOCUMENTED_HMAC[..127]), Some(&DOCUMENTED_HMAC[..126]), Some(not_hex.as_str())]
        {
            assert_eq!(callback.clone().verify(&secret, hmac), Err(BadSignature), "{hmac:?}");
        }
    }

    #[test]
    fn refuses_any_signed_value_changed() {
        let secret = HmacSecret::new(DOCUMENTED_SECRET);
        for field in SIGNED_FIELDS {
            let changed = match documented().pointer(&pointer(field)).unwrap() {
                Value::Bool(b) => json!(!b),
                Value::Number(n) => json!(n.as_u64().unwrap() + 1),
                Value::String(_) if field == "obj.currency" => json!("USD"),
                Value::String(s) => json!(format!("{s}0")),
                other => panic!("{field} is {other}"),
            };
            let callback = parse(&with(field, changed)).unwrap();
            assert_ne!(callback.signed_text(), DOCUMENTED_SIGNED_TEXT, "{field}");
            assert_eq!(callback.verify(&secret, Some(DOCUMENTED_HMAC)), Err(BadSignature), "{field}");
        }
    }

    #[test]
    fn the_merchant_order_id_is_not_signed() {
        let relabelled = with("obj.order.merchant_order_id", json!("01JOTHERCHECKOUT0000000000"));
        let callback = parse(&relabelled).unwrap();
        assert_eq!(callback.unverified().merchant_order_id.as_deref(), Some("01JOTHERCHECKOUT0000000000"));
        // Still Paymob's signature: which is why a checkout is never found by this value.
        assert!(callback.verify(&HmacSecret::new(DOCUMENTED_SECRET), Some(DOCUMENTED_HMAC)).is_ok());
    }

    #[test]
    fn a_missing_or_null_signed_value_is_an_error() {
        for field in SIGNED_FIELDS {
            let mut body = documented();
            let (parent, key) = pointer(field).rsplit_once('/').map(|(p, k)| (p.to_owned(), k.to_owned())).unwrap();
            body.pointer_mut(&parent).unwrap().as_object_mut().unwrap().remove(&key);
            assert_eq!(parse(&body).unwrap_err(), CallbackError::Missing(field), "{field}");
            assert_eq!(parse(&with(field, Value::Null)).unwrap_err(), CallbackError::Missing(field), "{field}");
        }
    }

    #[test]
    fn booleans_are_signed_as_true_and_false() {
        let mut body = documented();
        for field in SIGNED_FIELDS {
            if let Some(flag) = body.pointer_mut(&pointer(field)).filter(|v| v.is_boolean()) {
                *flag = json!(!flag.as_bool().unwrap());
            }
        }
        assert_eq!(
            parse(&body).unwrap().signed_text(),
            "1000002024-06-13T11:33:44.592345EGPtruetrue1920364654097558falsetruetruetruefalsetrue217503754302852true2346MasterCardcardfalse"
        );
        assert_eq!(
            parse(&with("obj.success", json!("true"))).unwrap_err(),
            CallbackError::Invalid { field: "obj.success", expected: "true or false" }
        );
    }

    #[test]
    fn an_amount_or_id_must_be_a_whole_number_written_as_one() {
        let invalid = |field| CallbackError::Invalid { field, expected: "a whole number, 0 or more" };
        for amount in [json!(-1), json!(1.5), json!(100000.0), json!("100000"), json!(true)] {
            assert_eq!(parse(&with("obj.amount_cents", amount)).unwrap_err(), invalid("obj.amount_cents"));
        }
        let written = |raw: &str| {
            DOCUMENTED_CALLBACK.replacen("\"amount_cents\": 100000,", &format!("\"amount_cents\": {raw},"), 1)
        };
        for raw in ["1e5", "18446744073709551616"] {
            assert_eq!(Callback::parse(written(raw).as_bytes()).unwrap_err(), invalid("obj.amount_cents"), "{raw}");
        }
        let biggest = Callback::parse(written("18446744073709551615").as_bytes()).unwrap();
        assert!(biggest.signed_text().starts_with("184467440737095516152024-06-13T"));
        assert_eq!(parse(&with("obj.order.id", json!(-217503754))).unwrap_err(), invalid("obj.order.id"));
    }

    #[test]
    fn only_a_transaction_is_a_transaction() {
        assert_eq!(Callback::parse(b"not json").unwrap_err(), CallbackError::NotJson);
        assert_eq!(Callback::parse(b"[]").unwrap_err(), CallbackError::NotJson);
        let token = json!({ "type": "TOKEN", "obj": { "token": "e98a" } });
        assert_eq!(parse(&token).unwrap_err(), CallbackError::NotATransaction("TOKEN".into()));
        assert_eq!(parse(&json!({ "obj": {} })).unwrap_err(), CallbackError::Missing("type"));
        assert_eq!(parse(&json!({ "type": "TRANSACTION" })).unwrap_err(), CallbackError::Missing("obj"));
        assert_eq!(
            parse(&json!({ "type": "TRANSACTION", "obj": [] })).unwrap_err(),
            CallbackError::Invalid { field: "obj", expected: "an object" }
        );
        assert_eq!(
            parse(&with("obj.currency", json!("egp"))).unwrap_err(),
            CallbackError::Invalid { field: "obj.currency", expected: "an ISO 4217 code such as EGP" }
        );
    }

    fn pointer(field: &str) -> String {
        format!("/{}", field.replace('.', "/"))
    }
}
