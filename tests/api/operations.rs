//! What keeps the marketplace up, read from template.yaml: the alarms of the monitoring plan, each
//! with its threshold and notifying the alerts topic; every function's errors and throttles and
//! every trigger's lag watched; canary releases that roll back on the release alarms;
//! tables that survive a mistake; the dashboard; and a runbook entry for every alarm.

use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};
use shared::metrics::Metric;
use souk_local::template::Template;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn template_yaml() -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(root().join("template.yaml")).unwrap()).unwrap()
}

fn resources(template: &Value) -> &Mapping {
    template["Resources"].as_mapping().unwrap()
}

fn resource<'t>(template: &'t Value, id: &str) -> &'t Value {
    resources(template).get(id).unwrap_or_else(|| panic!("{id} is in the template"))
}

/// `X` of `!Ref X`.
fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "!Ref" => tagged.value.as_str(),
        _ => None,
    }
}

/// The text of a `!Sub` (or a plain string).
fn text(value: &Value) -> &str {
    match value {
        Value::Tagged(tagged) => tagged.value.as_str().unwrap_or_default(),
        other => other.as_str().unwrap_or_default(),
    }
}

fn assert_notifies_alerts(id: &str, alarm: &Value) {
    let properties = &alarm["Properties"];
    for actions in ["AlarmActions", "OKActions"] {
        let targets: Vec<_> = properties[actions].as_sequence().unwrap().iter().filter_map(reference).collect();
        assert_eq!(targets, ["AlertsTopic"], "{id}: {actions}");
    }
}

/// The functions an alarm watches `metric` of, through its metric math: `!Ref <Function>`s.
fn watched(alarm: &Value, metric: &str) -> Vec<String> {
    let metrics = alarm["Properties"]["Metrics"].as_sequence().unwrap();
    metrics
        .iter()
        .filter_map(|m| m.get("MetricStat"))
        .map(|stat| {
            assert_eq!(stat["Metric"]["MetricName"], metric);
            reference(&stat["Metric"]["Dimensions"][0]["Value"]).unwrap().to_owned()
        })
        .collect()
}

#[test]
fn the_service_level_alarms_watch_what_the_monitoring_plan_says() {
    let template = template_yaml();
    let alarm = |id: &str| {
        let alarm = resource(&template, id);
        assert_eq!(alarm["Type"], "AWS::CloudWatch::Alarm", "{id}");
        assert_notifies_alerts(id, alarm);
        &alarm["Properties"]
    };
    let expression = |properties: &Value, id: &str| -> String {
        let metrics = properties["Metrics"].as_sequence().unwrap();
        metrics.iter().find(|m| m["Id"] == id).unwrap()["Expression"].as_str().unwrap().to_owned()
    };

    let api_errors = alarm("Api5xxRateAlarm");
    assert_eq!(api_errors["Threshold"], 1, "more than 1 %");
    assert_eq!(expression(api_errors, "rate"), "IF(requests >= 20, 100 * errors / requests, 0)");

    let api_latency = alarm("ApiLatencyAlarm");
    assert_eq!(
        (api_latency["ExtendedStatistic"].as_str(), api_latency["Threshold"].as_u64()),
        (Some("p95"), Some(1000))
    );

    let order_failures = alarm("OrderFailureRateAlarm");
    assert_eq!(order_failures["Threshold"], 5, "more than 5 %");
    assert!(expression(order_failures, "rate").contains("100 * failed / (failed + placed)"));

    let checkout = alarm("CheckoutLatencyAlarm");
    assert_eq!(checkout["MetricName"], Metric::CheckoutLatency.name());
    assert_eq!((checkout["ExtendedStatistic"].as_str(), checkout["Threshold"].as_u64()), (Some("p95"), Some(2000)));

    let conversion = alarm("ConversionDropAlarm");
    assert_eq!(conversion["ComparisonOperator"], "LessThanLowerThreshold");
    assert!(expression(conversion, "usual").starts_with("ANOMALY_DETECTION_BAND(conversion"));
    assert!(expression(conversion, "conversion").contains("orders / views"));

    let probe = alarm("HealthProbeAlarm");
    assert_eq!(probe["Namespace"], "CloudWatchSynthetics");
    assert_eq!(probe["TreatMissingData"], "breaching", "a probe that stopped is an alarm");
    let canary = &resource(&template, "HealthCanary")["Properties"];
    assert!(text(&canary["Code"]["Script"]).contains("/api/health'"), "the canary calls the health route");

    let payments = alarm("PaymentSuccessAlarm");
    assert_eq!(
        (payments["Threshold"].as_u64(), payments["ComparisonOperator"].as_str()),
        (Some(99), Some("LessThanThreshold"))
    );
    let rate = expression(payments, "rate");
    assert!(rate.contains("100 * succeeded / (succeeded + failed)"), "{rate}");
    let watched_metrics: Vec<_> = payments["Metrics"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|m| m["MetricStat"]["Metric"]["MetricName"].as_str())
        .collect();
    assert_eq!(watched_metrics, [Metric::PaymentsSucceeded.name(), Metric::PaymentsFailed.name()]);

    let dead_letters = alarm("TriggerDeadLetterAlarm");
    assert_eq!(dead_letters["MetricName"], "ApproximateNumberOfMessagesVisible");

    let alerts = resource(&template, "AlertEmailSubscription");
    assert_eq!(alerts["Condition"], "HasAlertEmail");
    assert_eq!(reference(&alerts["Properties"]["Endpoint"]), Some("AlertEmail"));
}

#[test]
fn every_function_has_its_errors_and_throttles_watched_and_every_trigger_its_lag() {
    let template = template_yaml();
    let functions = Template::project().unwrap().functions;
    for metric in ["Errors", "Throttles"] {
        let mut watched_once = BTreeSet::new();
        for (id, alarm) in resources(&template) {
            let id = id.as_str().unwrap();
            if !id.ends_with(&format!("{metric}Alarm")) {
                continue;
            }
            assert_notifies_alerts(id, alarm);
            assert_eq!(alarm["Properties"]["Threshold"], 1, "{id}");
            let expressions: Vec<_> = alarm["Properties"]["Metrics"]
                .as_sequence()
                .unwrap()
                .iter()
                .filter_map(|m| m["Expression"].as_str())
                .collect();
            assert_eq!(expressions, ["SUM(METRICS())"], "{id}");
            let group = watched(alarm, metric);
            assert!(group.len() <= 10, "{id}: an alarm reads at most 10 metrics");
            for function in group {
                assert!(watched_once.insert(function.clone()), "{function} is in two {metric} alarms");
            }
        }
        let every: BTreeSet<String> = functions.iter().map(|f| f.logical_id.clone()).collect();
        assert_eq!(watched_once, every, "every function's {metric}");
    }

    // Every trigger's lag, in one of three alarms: 5 minutes behind in general, 2 for the payment
    // triggers (a checkout left unexpired keeps its stock, a refund waits), 1 for the live ones.
    let mut triggers = BTreeSet::new();
    for (id, behind) in
        [("TriggerLagAlarm", 300_000), ("PaymentTriggersLagAlarm", 120_000), ("LiveTriggersLagAlarm", 60_000)]
    {
        let lag = resource(&template, id);
        assert_notifies_alerts(id, lag);
        assert_eq!(lag["Properties"]["Threshold"], behind, "{id}");
        for function in watched(lag, "IteratorAge") {
            assert!(triggers.insert(function.clone()), "{function} is in two lag alarms");
        }
    }
    let streams: BTreeSet<String> =
        functions.iter().filter(|f| !f.streams.is_empty()).map(|f| f.logical_id.clone()).collect();
    assert_eq!(triggers, streams);

    // Every schedule is in the stack's own group, whose dropped invocations alarm.
    let dropped = resource(&template, "AnalyticsScheduleAlarm");
    assert_notifies_alerts("AnalyticsScheduleAlarm", dropped);
    assert_eq!(dropped["Properties"]["MetricName"], "InvocationDroppedCount");
    assert_eq!(reference(&dropped["Properties"]["Dimensions"][0]["Value"]), Some("ScheduleGroup"));
    for (id, schedule) in resources(&template).iter().filter(|(_, r)| r["Type"] == "AWS::Scheduler::Schedule") {
        assert_eq!(reference(&schedule["Properties"]["GroupName"]), Some("ScheduleGroup"), "{id:?}");
    }
}

#[test]
fn releases_are_canaries_that_roll_back_on_the_release_alarms() {
    let template = template_yaml();
    let globals = &template["Globals"]["Function"];
    assert_eq!(globals["AutoPublishAlias"], "live");
    let preference = &globals["DeploymentPreference"];
    assert_eq!(reference(&preference["Type"]), Some("DeploymentType"));
    assert_eq!(template["Parameters"]["DeploymentType"]["Default"], "Canary10Percent5Minutes");
    let rollback: BTreeSet<_> = preference["Alarms"].as_sequence().unwrap().iter().filter_map(reference).collect();
    assert_eq!(
        rollback,
        BTreeSet::from([
            "Api5xxRateAlarm",
            "ApiLatencyAlarm",
            "OrderFailureRateAlarm",
            "CheckoutLatencyAlarm",
            "PaymentSuccessAlarm",
            "TriggerDeadLetterAlarm"
        ])
    );
    for function in Template::project().unwrap().functions {
        let properties = &resource(&template, &function.logical_id)["Properties"];
        for own in ["AutoPublishAlias", "DeploymentPreference"] {
            assert!(properties.get(own).is_none(), "{}: {own} comes from Globals", function.logical_id);
        }
    }
}

#[test]
fn every_table_survives_a_mistake_and_every_log_group_expires() {
    let template = template_yaml();
    for (id, resource) in resources(&template) {
        let id = id.as_str().unwrap();
        match resource["Type"].as_str() {
            Some("AWS::DynamoDB::Table") => {
                assert_eq!(
                    (resource["DeletionPolicy"].as_str(), resource["UpdateReplacePolicy"].as_str()),
                    (Some("Retain"), Some("Retain")),
                    "{id}"
                );
                let properties = &resource["Properties"];
                assert_eq!(properties["DeletionProtectionEnabled"], true, "{id}");
                assert_eq!(properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true, "{id}");
            }
            Some("AWS::Logs::LogGroup") => {
                assert_eq!(reference(&resource["Properties"]["RetentionInDays"]), Some("LogRetentionInDays"), "{id}");
            }
            _ => {}
        }
    }
    assert_eq!(template["Globals"]["Function"]["Tracing"], "Active");
}

#[test]
fn the_dashboard_shows_every_business_metric_and_the_service_level_alarms() {
    let template = template_yaml();
    let body = text(&resource(&template, "OperationsDashboard")["Properties"]["DashboardBody"]);
    for metric in Metric::ALL {
        assert!(body.contains(metric.name()), "{} is on the dashboard", metric.name());
    }
    for alarm in [
        "Api5xxRateAlarm",
        "ApiLatencyAlarm",
        "OrderFailureRateAlarm",
        "CheckoutLatencyAlarm",
        "PaymentSuccessAlarm",
        "ConversionDropAlarm",
        "HealthProbeAlarm",
        "TriggerDeadLetterAlarm",
    ] {
        assert!(body.contains(&format!("${{{alarm}.Arn}}")), "{alarm} is on the dashboard");
    }
}

#[test]
fn the_runbook_says_what_to_do_for_every_alarm() {
    let template = template_yaml();
    let runbook = std::fs::read_to_string(root().join("docs/runbook.md")).unwrap();
    let alarms: Vec<String> = resources(&template)
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|(id, _)| id.as_str().unwrap().to_owned())
        .collect();
    for alarm in alarms {
        assert!(
            runbook.contains(&format!("### {alarm}")) || runbook.contains(&format!("`{alarm}`")),
            "{alarm} has a runbook entry"
        );
    }
    for section in
        ["## Rolling back a release", "## Restoring a table to a point in time", "## Replaying the dead-letter queue"]
    {
        assert!(runbook.contains(section), "{section}");
    }
}
