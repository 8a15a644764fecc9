//! Business metrics as CloudWatch Embedded Metric Format: each observation one JSON object on its
//! own stdout line, from which CloudWatch Logs extracts the metric. No API call on the request
//! path and no permission beyond the logs the function already writes.
//!
//! An observation with a dimension is published under two dimension sets, with it and without it
//! (`"Dimensions": [["Reason"], []]`), so an alarm can watch the total without listing every reason.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::metrics::{MetricSink, NAMESPACE, Observation};

/// The sink of a function in Lambda.
pub struct EmfStdout;

impl MetricSink for EmfStdout {
    fn record(&self, observation: Observation) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        // One write of one whole line, so that lines of concurrent requests never interleave.
        let line = format!("{}\n", document(observation, now));
        let _ = std::io::stdout().lock().write_all(line.as_bytes());
    }
}

/// The EMF document of one observation made at `timestamp_ms` (milliseconds since 1970).
pub fn document(observation: Observation, timestamp_ms: i64) -> Value {
    let name = observation.metric.name();
    let dimension_sets = match observation.dimension {
        Some(dimension) => json!([[dimension.name()], []]),
        None => json!([[]]),
    };
    let mut document = json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": dimension_sets,
                "Metrics": [{ "Name": name, "Unit": observation.metric.unit().name() }],
            }],
        },
        name: observation.value,
    });
    if let Some(dimension) = observation.dimension {
        document[dimension.name()] = dimension.value().into();
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Dimension, Metric};

    /// What the specification requires: every dimension key and metric name a member of the root
    /// with a string or number value, and the directive's namespace, unit and timestamp.
    fn assert_valid(document: &Value) {
        let directive = &document["_aws"]["CloudWatchMetrics"][0];
        assert!(document["_aws"]["Timestamp"].is_i64());
        assert_eq!(directive["Namespace"], NAMESPACE);
        for set in directive["Dimensions"].as_array().unwrap() {
            for key in set.as_array().unwrap() {
                assert!(document[key.as_str().unwrap()].is_string(), "dimension {key} has a string target");
            }
        }
        for metric in directive["Metrics"].as_array().unwrap() {
            assert!(document[metric["Name"].as_str().unwrap()].is_number(), "metric {metric} has a numeric target");
        }
    }

    #[test]
    fn a_count_without_dimensions() {
        let doc =
            document(Observation { metric: Metric::OrdersPlaced, value: 2.0, dimension: None }, 1_764_633_600_000);
        assert_valid(&doc);
        assert_eq!(doc["OrdersPlaced"], 2.0);
        assert_eq!(doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"], json!([[]]));
        assert_eq!(doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"], "Count");
        assert_eq!(doc["_aws"]["Timestamp"], 1_764_633_600_000_i64);
    }

    #[test]
    fn a_reason_is_published_with_and_without_it() {
        let observation = Observation {
            metric: Metric::OrderFailures,
            value: 1.0,
            dimension: Some(Dimension::Reason("insufficient_stock")),
        };
        let doc = document(observation, 0);
        assert_valid(&doc);
        assert_eq!(doc["Reason"], "insufficient_stock");
        assert_eq!(doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"], json!([["Reason"], []]));
    }

    #[test]
    fn latency_is_in_milliseconds() {
        let doc = document(Observation { metric: Metric::CheckoutLatency, value: 12.5, dimension: None }, 0);
        assert_valid(&doc);
        assert_eq!(doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"], "Milliseconds");
        assert_eq!(doc["CheckoutLatency"], 12.5);
    }
}
