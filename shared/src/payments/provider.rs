//! The words the orders side speaks with any payment provider: a checkout asks for a
//! [`PaymentRequest`], gets back a [`PaymentSession`] to send the buyer to, and later learns a
//! [`PaymentOutcome`]. None of them names Paymob, so orders never depend on one gateway.
//!
//! Another provider (Fawry, Stripe) joins by supplying two things. In the stores layer, a client
//! that turns a `PaymentRequest` into a `PaymentSession` (Fawry's charge request, a Stripe Checkout
//! Session) and refunds a transaction. In this module's parent, a sibling of [`super::paymob`] that
//! parses and verifies the provider's notifications (Fawry's signed server notification, a Stripe
//! webhook event) into a `PaymentOutcome`, trusting only what the provider signs.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::accounts::{Email, PersonName, Phone};
use crate::clock::Timestamp;
use crate::ids::CheckoutId;
use crate::money::{Currency, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Paymob,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paymob => "paymob",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        (name == "paymob").then_some(Self::Paymob)
    }
}

/// How a buyer may pay online; each provider maps a method to its own integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineMethod {
    Card,
    Wallet,
}

/// Who pays, as a provider's checkout page and receipts need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Billing {
    pub name: PersonName,
    pub phone: Phone,
    pub email: Email,
}

impl Billing {
    /// The name split for providers that ask for the two parts apart (Paymob refuses an empty last
    /// name). A one-word name gets `NA`, the filler Paymob's own billing data uses for what is
    /// not known.
    pub fn first_and_last_name(&self) -> (&str, &str) {
        let name = self.name.as_str();
        match name.split_once(char::is_whitespace) {
            Some((first, last)) if !last.trim().is_empty() => (first, last.trim()),
            _ => (name, "NA"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPaymentRequest {
    #[error("a payment must be for more than nothing")]
    NothingToPay,
    #[error("a payment needs at least one method")]
    NoMethod,
}

/// One payment for a whole checkout, whatever the number of vendors in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    reference: CheckoutId,
    amount: Money,
    billing: Billing,
    methods: BTreeSet<OnlineMethod>,
}

impl PaymentRequest {
    pub fn new(
        reference: CheckoutId,
        amount: Money,
        billing: Billing,
        methods: impl IntoIterator<Item = OnlineMethod>,
    ) -> Result<Self, InvalidPaymentRequest> {
        let methods: BTreeSet<_> = methods.into_iter().collect();
        if amount.amount == 0 {
            return Err(InvalidPaymentRequest::NothingToPay);
        }
        if methods.is_empty() {
            return Err(InvalidPaymentRequest::NoMethod);
        }
        Ok(Self { reference, amount, billing, methods })
    }

    /// The checkout, as the provider's reference: what the provider's dashboard shows, and what
    /// lets support find a payment. Callbacks do not sign it, so it never decides which checkout
    /// a payment pays ([`ProviderOrderId`] does).
    pub fn reference(&self) -> CheckoutId {
        self.reference
    }

    pub fn amount(&self) -> Money {
        self.amount
    }

    pub fn billing(&self) -> &Billing {
        &self.billing
    }

    /// Each method once, in a fixed order.
    pub fn methods(&self) -> impl Iterator<Item = OnlineMethod> + '_ {
        self.methods.iter().copied()
    }
}

macro_rules! provider_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

provider_id!(
    /// The provider's id for a checkout's payment as a whole (Paymob's order id, a Stripe
    /// PaymentIntent id): recorded when the session is created and signed in every callback, so
    /// it is how an outcome finds its checkout.
    ProviderOrderId
);
provider_id!(
    /// One transaction at the provider: a payment attempt, a refund or a void. An outcome is
    /// applied once per transaction, however often the provider repeats it.
    ProviderTransactionId
);

/// Where to send the buyer to pay: `payment` in the answer to `POST /api/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSession {
    pub provider: Provider,
    pub checkout_url: String,
    pub client_secret: String,
    pub expires_at: Timestamp,
    /// Kept with the checkout, never shown to the buyer.
    #[serde(skip)]
    pub provider_order: ProviderOrderId,
}

/// An ISO 4217 code as a provider writes it. Not [`Currency`]: a payment in a currency the
/// marketplace does not sell in must still be understood, so that it can be refused and refunded.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CurrencyCode([u8; 3]);

impl CurrencyCode {
    pub fn parse(raw: &str) -> Option<Self> {
        let bytes: [u8; 3] = raw.as_bytes().try_into().ok()?;
        bytes.iter().all(u8::is_ascii_uppercase).then_some(Self(bytes))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("three ASCII letters")
    }

    pub fn of(currency: Currency) -> Self {
        match currency {
            Currency::Egp => Self(*b"EGP"),
        }
    }

    /// The marketplace's currency this code names, if any.
    pub fn currency(self) -> Option<Currency> {
        (self == Self::of(Currency::Egp)).then_some(Currency::Egp)
    }
}

impl std::fmt::Debug for CurrencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CurrencyCode({})", self.as_str())
    }
}

impl std::fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount as a provider reports it: minor units (piasters for EGP) of a currency code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportedAmount {
    pub minor_units: u64,
    pub currency: CurrencyCode,
}

impl ReportedAmount {
    /// `money` as a provider writes it.
    pub fn of(money: Money) -> Self {
        Self { minor_units: money.amount, currency: CurrencyCode::of(money.currency) }
    }

    /// As money of the marketplace, when it is in a currency the marketplace sells in.
    pub fn money(self) -> Option<Money> {
        Some(Money { amount: self.minor_units, currency: self.currency.currency()? })
    }

    /// Exactly `expected`, amount and currency: anything else paid for a checkout is refused.
    pub fn is(self, expected: Money) -> bool {
        self.money() == Some(expected)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// The buyer paid.
    Succeeded,
    /// The payment was declined or could not be made; nothing was taken.
    Failed,
    /// Money taken was given back (a refund or a void).
    Refunded,
}

impl OutcomeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
        }
    }
}

/// What a provider says happened to a checkout's payment, once its notification is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOutcome {
    pub status: OutcomeStatus,
    pub provider: Provider,
    pub provider_order: ProviderOrderId,
    pub transaction: ProviderTransactionId,
    pub amount: ReportedAmount,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn billing(name: &str) -> Billing {
        Billing {
            name: PersonName::parse(name).unwrap(),
            phone: Phone::parse("01012345678").unwrap(),
            email: Email::parse("mona@example.com").unwrap(),
        }
    }

    #[test]
    fn a_request_is_for_something_by_some_method() {
        let checkout = CheckoutId::new();
        let request = PaymentRequest::new(
            checkout,
            Money::egp(250_000),
            billing("منى حسن"),
            [OnlineMethod::Wallet, OnlineMethod::Card, OnlineMethod::Card],
        )
        .unwrap();
        assert_eq!(request.reference(), checkout);
        assert_eq!(request.methods().collect::<Vec<_>>(), [OnlineMethod::Card, OnlineMethod::Wallet]);
        assert_eq!(
            PaymentRequest::new(checkout, Money::egp(0), billing("Mona"), [OnlineMethod::Card]),
            Err(InvalidPaymentRequest::NothingToPay)
        );
        assert_eq!(
            PaymentRequest::new(checkout, Money::egp(1), billing("Mona"), []),
            Err(InvalidPaymentRequest::NoMethod)
        );
    }

    #[test]
    fn a_name_splits_into_first_and_last() {
        assert_eq!(billing("منى حسن").first_and_last_name(), ("منى", "حسن"));
        assert_eq!(billing("Mona Hassan El-Sayed").first_and_last_name(), ("Mona", "Hassan El-Sayed"));
        assert_eq!(billing("Mona").first_and_last_name(), ("Mona", "NA"));
    }

    #[test]
    fn currency_codes_are_three_capital_letters() {
        assert_eq!(CurrencyCode::parse("EGP").unwrap().currency(), Some(Currency::Egp));
        assert_eq!(CurrencyCode::parse("USD").unwrap().currency(), None);
        for bad in ["", "egp", "EG", "EGPP", "E1P", "ÉGP"] {
            assert!(CurrencyCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn only_the_same_amount_in_the_same_currency_matches() {
        let egp = CurrencyCode::parse("EGP").unwrap();
        let usd = CurrencyCode::parse("USD").unwrap();
        assert!(ReportedAmount { minor_units: 100_000, currency: egp }.is(Money::egp(100_000)));
        assert!(!ReportedAmount { minor_units: 99_999, currency: egp }.is(Money::egp(100_000)));
        assert!(!ReportedAmount { minor_units: 100_000, currency: usd }.is(Money::egp(100_000)));
        assert_eq!(ReportedAmount { minor_units: 100_000, currency: usd }.money(), None);
    }

    #[test]
    fn a_session_shows_the_buyer_where_to_pay_and_keeps_the_provider_order() {
        let session = PaymentSession {
            provider: Provider::Paymob,
            checkout_url: "https://accept.paymob.com/unifiedcheckout/?publicKey=pk&clientSecret=cs".to_owned(),
            client_secret: "cs".to_owned(),
            expires_at: Timestamp::from_unix_millis(1_700_000_000_000),
            provider_order: ProviderOrderId::new("217503754"),
        };
        assert_eq!(
            serde_json::to_value(&session).unwrap(),
            serde_json::json!({
                "provider": "paymob",
                "checkoutUrl": "https://accept.paymob.com/unifiedcheckout/?publicKey=pk&clientSecret=cs",
                "clientSecret": "cs",
                "expiresAt": "2023-11-14T22:13:20.000Z",
            })
        );
    }
}
