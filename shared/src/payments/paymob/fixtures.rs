//! Paymob's own example of a transaction processed callback and its signature, from its
//! documentation:
//! - the callback: "Transaction callbacks",
//!   <https://developers.paymob.com/paymob-docs/manage-callback/transaction-callbacks>;
//! - the concatenated text and the digest ("HMAC Concatenated String", "HMAC Calculated Sample"):
//!   "HMAC Transaction Callback",
//!   <https://developers.paymob.com/paymob-docs/developers/webhook-callbacks-and-hmac/hmac/hmac-transaction-callback>;
//! - the secret: the one Paymob signed this sample with. Under it Paymob's documented text gives
//!   Paymob's documented digest, which no other secret would.
//!
//! The callback is trimmed of values that are neither signed nor read (among them the nested
//! `obj.data`, `obj.payment_key_claims`, `obj.order.merchant` and `obj.order.shipping_data`);
//! every value kept is Paymob's, as written.

use serde_json::Value;

pub const DOCUMENTED_CALLBACK: &str = r#"{
  "type": "TRANSACTION",
  "obj": {
    "id": 192036465,
    "pending": false,
    "amount_cents": 100000,
    "success": true,
    "is_auth": false,
    "is_capture": false,
    "is_standalone_payment": true,
    "is_voided": false,
    "is_refunded": false,
    "is_3d_secure": true,
    "integration_id": 4097558,
    "profile_id": 164295,
    "has_parent_transaction": false,
    "order": {
      "id": 217503754,
      "created_at": "2024-06-13T11:32:09.628623",
      "delivery_needed": false,
      "collector": null,
      "amount_cents": 100000,
      "currency": "EGP",
      "is_payment_locked": false,
      "merchant_order_id": null,
      "paid_amount_cents": 100000,
      "items": [],
      "payment_method": "tbc",
      "api_source": "OTHER",
      "data": {}
    },
    "created_at": "2024-06-13T11:33:44.592345",
    "transaction_processed_callback_responses": [],
    "currency": "EGP",
    "source_data": {
      "pan": "2346",
      "type": "card",
      "tenure": null,
      "sub_type": "MasterCard"
    },
    "api_source": "IFRAME",
    "terminal_id": null,
    "merchant_commission": null,
    "installment": null,
    "discount_details": [],
    "is_void": false,
    "is_refund": false,
    "is_hidden": false,
    "error_occured": false,
    "is_live": false,
    "other_endpoint_reference": null,
    "refunded_amount_cents": null,
    "source_id": -1,
    "is_captured": false,
    "captured_amount": null,
    "merchant_staff_tag": null,
    "updated_at": "2024-06-13T11:34:07.272638",
    "is_settled": false,
    "bill_balanced": false,
    "is_bill": false,
    "owner": 302852,
    "parent_transaction": null
  },
  "issuer_bank": null,
  "transaction_processed_callback_responses": ""
}"#;

pub const DOCUMENTED_SIGNED_TEXT: &str = "1000002024-06-13T11:33:44.592345EGPfalsefalse1920364654097558truefalsefalsefalsetruefalse217503754302852false2346MasterCardcardtrue";

pub const DOCUMENTED_HMAC: &str = "fa8ac0b7f3852e60c50e7fdd4ea5ef0bda96030c19dea1d55df8c76d6c08ab1877774662cbb04981dc84839ad4da560bcc8cb53b8973548657f7e8f8d2e79930";

pub const DOCUMENTED_SECRET: &str = "04DC1A9490B8CC2094C011FC055ADCDB";

/// The values Paymob signs, in its order.
pub const SIGNED_FIELDS: [&str; 20] = [
    "obj.amount_cents",
    "obj.created_at",
    "obj.currency",
    "obj.error_occured",
    "obj.has_parent_transaction",
    "obj.id",
    "obj.integration_id",
    "obj.is_3d_secure",
    "obj.is_auth",
    "obj.is_capture",
    "obj.is_refunded",
    "obj.is_standalone_payment",
    "obj.is_voided",
    "obj.order.id",
    "obj.owner",
    "obj.pending",
    "obj.source_data.pan",
    "obj.source_data.sub_type",
    "obj.source_data.type",
    "obj.success",
];

pub fn documented() -> Value {
    serde_json::from_str(DOCUMENTED_CALLBACK).expect("the documented callback is JSON")
}

/// The documented callback with the value at a dotted path replaced.
pub fn with(field: &str, value: Value) -> Value {
    let mut body = documented();
    *body.pointer_mut(&format!("/{}", field.replace('.', "/"))).expect("a field of the documented callback") = value;
    body
}
