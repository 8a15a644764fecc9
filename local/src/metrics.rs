//! The business metrics the functions record, kept in order and shown at `GET /_local/metrics`
//! (oldest first). In Lambda the same observations are Embedded Metric Format lines on stdout.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;
use shared::metrics::{MetricSink, Observation};

#[derive(Default)]
pub struct MetricLog {
    observations: Mutex<Vec<Observation>>,
}

impl MetricSink for MetricLog {
    fn record(&self, observation: Observation) {
        self.observations.lock().expect("metric log lock").push(observation);
    }
}

#[derive(Serialize)]
struct Listing {
    items: Vec<Item>,
}

/// One observation as CloudWatch would name it.
#[derive(Serialize)]
struct Item {
    metric: &'static str,
    unit: &'static str,
    value: f64,
    dimensions: BTreeMap<&'static str, &'static str>,
}

impl MetricLog {
    /// The JSON of `GET /_local/metrics`.
    pub fn list_json(&self) -> String {
        let observations = self.observations.lock().expect("metric log lock");
        let items = observations
            .iter()
            .map(|o| Item {
                metric: o.metric.name(),
                unit: o.metric.unit().name(),
                value: o.value,
                dimensions: o.dimension.iter().map(|d| (d.name(), d.value())).collect(),
            })
            .collect();
        serde_json::to_string(&Listing { items }).expect("metrics serialize")
    }
}
