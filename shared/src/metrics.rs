//! Business metrics, named once: the funnel from searches and product views to orders placed,
//! checkout latency and failures, registrations and failed logins: what the operations alarms and
//! dashboard watch. A dimension is one of a closed set of low-cardinality values (a problem
//! `code`), never an id or free text, so that CloudWatch keeps a handful of series per metric.
//!
//! Where the observations go is the function's sink: CloudWatch Embedded Metric Format lines on
//! stdout in Lambda (`telemetry::emf`), a log the local runner serves at `GET /_local/metrics`.

use std::sync::Arc;
use std::time::Duration;

/// The CloudWatch namespace of every business metric.
pub const NAMESPACE: &str = "SoukElSayarat";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Orders a checkout created (one per seller).
    OrdersPlaced,
    /// Checkouts refused or failed, by `Reason`.
    OrderFailures,
    /// Time to answer a checkout that placed orders.
    CheckoutLatency,
    /// New accounts.
    Registrations,
    /// Sign-ins refused, by `Reason` (`invalid_credentials`, `rate_limited`).
    LoginsFailed,
    /// Searches answered.
    Searches,
    /// Product pages served.
    ProductViews,
    /// Online payments that paid their checkout.
    PaymentsSucceeded,
    /// Online payments declined, or refused for their amount (by `Reason`).
    PaymentsFailed,
    /// Money given back through the gateway.
    PaymentsRefunded,
    /// Checkouts whose buyer did not pay within the window (abandoned, not failed).
    PaymentsExpired,
    /// From opening a checkout's payment to its success.
    TimeToPayment,
    /// Uploads checked and made usable.
    UploadsReady,
    /// Uploads refused by their check, by `Reason` (the rejection's code).
    UploadsRejected,
}

impl Metric {
    /// Every metric, for the dashboard and alarms to be checked against.
    pub const ALL: [Metric; 14] = [
        Self::OrdersPlaced,
        Self::OrderFailures,
        Self::CheckoutLatency,
        Self::Registrations,
        Self::LoginsFailed,
        Self::Searches,
        Self::ProductViews,
        Self::PaymentsSucceeded,
        Self::PaymentsFailed,
        Self::PaymentsRefunded,
        Self::PaymentsExpired,
        Self::TimeToPayment,
        Self::UploadsReady,
        Self::UploadsRejected,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Milliseconds,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Self::OrdersPlaced => "OrdersPlaced",
            Self::OrderFailures => "OrderFailures",
            Self::CheckoutLatency => "CheckoutLatency",
            Self::Registrations => "Registrations",
            Self::LoginsFailed => "LoginsFailed",
            Self::Searches => "Searches",
            Self::ProductViews => "ProductViews",
            Self::PaymentsSucceeded => "PaymentsSucceeded",
            Self::PaymentsFailed => "PaymentsFailed",
            Self::PaymentsRefunded => "PaymentsRefunded",
            Self::PaymentsExpired => "PaymentsExpired",
            Self::TimeToPayment => "TimeToPayment",
            Self::UploadsReady => "UploadsReady",
            Self::UploadsRejected => "UploadsRejected",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Self::CheckoutLatency | Self::TimeToPayment => Unit::Milliseconds,
            _ => Unit::Count,
        }
    }
}

impl Unit {
    /// As CloudWatch spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Count => "Count",
            Self::Milliseconds => "Milliseconds",
        }
    }
}

/// A dimension of an observation: its name and a value from a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// Why something failed: the problem `code` of the contract.
    Reason(&'static str),
}

impl Dimension {
    pub fn name(self) -> &'static str {
        match self {
            Self::Reason(_) => "Reason",
        }
    }

    pub fn value(self) -> &'static str {
        match self {
            Self::Reason(value) => value,
        }
    }
}

/// One value of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub metric: Metric,
    pub value: f64,
    pub dimension: Option<Dimension>,
}

/// Where a function's observations go.
pub trait MetricSink: Send + Sync {
    fn record(&self, observation: Observation);
}

/// What a function records its business metrics with.
#[derive(Clone)]
pub struct Metrics(Arc<dyn MetricSink>);

impl Metrics {
    pub fn new(sink: Arc<dyn MetricSink>) -> Self {
        Self(sink)
    }

    /// `n` more of a counted metric.
    pub fn count(&self, metric: Metric, n: usize) {
        self.0.record(Observation { metric, value: n as f64, dimension: None });
    }

    /// One more of a counted metric, for this reason.
    pub fn count_because(&self, metric: Metric, reason: &'static str) {
        self.0.record(Observation { metric, value: 1.0, dimension: Some(Dimension::Reason(reason)) });
    }

    pub fn duration(&self, metric: Metric, elapsed: Duration) {
        self.0.record(Observation { metric, value: elapsed.as_secs_f64() * 1000.0, dimension: None });
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}
