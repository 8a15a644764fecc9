//! Plays EventBridge Scheduler for the `AWS::Scheduler::Schedule` resources of template.yaml: each
//! enabled schedule fires at its times by the wall clock, and `POST /_local/schedules/{name}` fires
//! one at once, so nobody waits an hour for it. Only what the template needs is understood: the
//! universal target that puts a DynamoDB item (`arn:aws:scheduler:::aws-sdk:dynamodb:putItem`),
//! `cron(M * * * ? *)` and `rate(N minutes|hours)`. Anything else stops the runner at start,
//! naming the schedule, rather than leaving a schedule that never fires.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use serde_yaml::Value;
use shared::clock::Clock;
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::sync::watch;

use crate::tables;
use crate::template::{ScheduleDef, Template};

const PUT_ITEM_TARGET: &str = "arn:aws:scheduler:::aws-sdk:dynamodb:putItem";

/// Time zones in which minute M of an hour is minute M in UTC: their offsets are whole hours
/// (Cairo's are UTC+2, and UTC+3 in summer time), so an hourly cron fires at the same instants.
const WHOLE_HOUR_ZONES: &[&str] = &["UTC", "Etc/UTC", "Africa/Cairo"];

/// When a schedule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expression {
    /// `cron(M * * * ? *)`: at minute M of every hour.
    Hourly { minute: i64 },
    /// `rate(N minutes|hours)`: every N, counted from the Unix epoch so it fires at round times
    /// (EventBridge counts from the schedule's creation; nothing depends on the phase).
    Every { seconds: i64 },
}

impl Expression {
    pub fn parse(text: &str) -> Result<Self, String> {
        let unsupported = || format!("{text} is not cron(M * * * ? *) or rate(N minutes|hours)");
        if let Some(fields) = text.strip_prefix("cron(").and_then(|t| t.strip_suffix(')')) {
            let fields: Vec<&str> = fields.split_whitespace().collect();
            let [minute, "*", "*", "*", "?", "*"] = fields[..] else { return Err(unsupported()) };
            let minute = minute.parse().ok().filter(|m| (0..60).contains(m)).ok_or_else(unsupported)?;
            return Ok(Self::Hourly { minute });
        }
        let rate = text.strip_prefix("rate(").and_then(|t| t.strip_suffix(')')).ok_or_else(unsupported)?;
        let (count, unit) = rate.split_once(' ').ok_or_else(unsupported)?;
        let count: i64 = count.parse().ok().filter(|n| *n > 0).ok_or_else(unsupported)?;
        let unit = match unit {
            "minute" | "minutes" => 60,
            "hour" | "hours" => 3600,
            _ => return Err(unsupported()),
        };
        Ok(Self::Every { seconds: count * unit })
    }

    /// The first time after `t` (Unix seconds) that it fires.
    pub fn next_after(self, t: i64) -> i64 {
        match self {
            Self::Hourly { minute } => {
                let at = t - t.rem_euclid(3600) + minute * 60;
                if at > t { at } else { at + 3600 }
            }
            Self::Every { seconds } => (t.div_euclid(seconds) + 1) * seconds,
        }
    }

    /// The last time at or before `t` that it fired.
    pub fn latest_at(self, t: i64) -> i64 {
        self.next_after(t) - self.period()
    }

    fn period(self) -> i64 {
        match self {
            Self::Hourly { .. } => 3600,
            Self::Every { seconds } => seconds,
        }
    }
}

/// One schedule of the template.
#[derive(Debug)]
pub struct Schedule {
    /// Its logical id.
    pub name: String,
    pub expression: Expression,
    enabled: bool,
    /// The PutItem request, table names resolved, context attributes (`<aws.scheduler.…>`) left in.
    input: String,
    /// The attributes of the item's key, to say which item a firing put.
    key_attributes: Vec<String>,
}

/// The DynamoDB PutItem request a universal target sends, as far as the runner makes it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct PutItemInput {
    table_name: String,
    item: serde_dynamo::Item,
    condition_expression: Option<String>,
    expression_attribute_names: Option<HashMap<String, String>>,
    expression_attribute_values: Option<serde_dynamo::Item>,
}

/// What `POST /_local/schedules/{name}` answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fired {
    pub schedule: String,
    pub scheduled_time: String,
    pub table_name: String,
    /// The key of the item, as DynamoDB JSON.
    pub key: serde_json::Value,
    /// False when its condition failed: that firing had already put it.
    pub created: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FireError {
    #[error("no schedule named {0}")]
    Unknown(String),
    #[error("schedule {schedule}: {message}")]
    Failed { schedule: String, message: String },
}

pub struct Schedules {
    schedules: Vec<Schedule>,
    dynamodb: aws_sdk_dynamodb::Client,
    /// What "now" is for a firing by hand: the time the functions see.
    clock: Arc<dyn Clock>,
}

impl Schedules {
    /// The schedules of `template`, over the tables named `<table_prefix><LogicalId>`.
    pub fn from_template(
        template: &Template,
        table_prefix: &str,
        dynamodb: aws_sdk_dynamodb::Client,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, String> {
        let schedules = template
            .schedules
            .iter()
            .map(|def| parse(def, template, table_prefix).map_err(|e| format!("schedule {}: {e}", def.logical_id)))
            .collect::<Result<_, _>>()?;
        Ok(Self { schedules, dynamodb, clock })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.schedules.iter().map(|s| s.name.as_str())
    }

    /// Fires every enabled schedule at its times, by the wall clock, until `stopped`.
    pub fn start(self: &Arc<Self>, stopped: &watch::Receiver<bool>) {
        for index in (0..self.schedules.len()).filter(|i| self.schedules[*i].enabled) {
            tokio::spawn(Arc::clone(self).run(index, stopped.clone()));
        }
    }

    /// Fires schedule `name` for its latest scheduled time, as the retry of a missed firing would:
    /// firing again within the same period puts nothing new.
    pub async fn fire_now(&self, name: &str) -> Result<Fired, FireError> {
        let schedule =
            self.schedules.iter().find(|s| s.name == name).ok_or_else(|| FireError::Unknown(name.to_owned()))?;
        let at = schedule.expression.latest_at(self.clock.now().unix_seconds());
        self.fire(schedule, at).await
    }

    async fn run(self: Arc<Self>, index: usize, mut stopped: watch::Receiver<bool>) {
        let schedule = &self.schedules[index];
        let mut next = schedule.expression.next_after(wall_clock());
        loop {
            // Short naps against the wall clock: a laptop that slept through a time fires on waking.
            while wall_clock() < next {
                let nap = Duration::from_secs((next - wall_clock()).clamp(1, 30) as u64);
                tokio::select! {
                    _ = tokio::time::sleep(nap) => {}
                    _ = stopped.changed() => return,
                }
            }
            match self.fire(schedule, next).await {
                Ok(fired) => {
                    tracing::info!(schedule = %fired.schedule, scheduled_time = %fired.scheduled_time, "schedule fired")
                }
                Err(error) => tracing::warn!(%error, "a schedule's firing failed"),
            }
            next = schedule.expression.next_after(next.max(wall_clock()));
        }
    }

    async fn fire(&self, schedule: &Schedule, at: i64) -> Result<Fired, FireError> {
        let failed = |message: String| FireError::Failed { schedule: schedule.name.clone(), message };
        let scheduled_time = scheduled_time(at);
        let input = put_item_input(&with_context(&schedule.input, &schedule.name, &scheduled_time)).map_err(failed)?;
        let key = schedule
            .key_attributes
            .iter()
            .filter_map(|name| Some((name.clone(), serde_json::to_value(input.item.get(name)?).ok()?)))
            .collect();
        let sdk = |item: serde_dynamo::Item| HashMap::<String, AttributeValue>::from(item);
        let put = self
            .dynamodb
            .put_item()
            .table_name(&input.table_name)
            .set_item(Some(sdk(input.item)))
            .set_condition_expression(input.condition_expression)
            .set_expression_attribute_names(input.expression_attribute_names)
            .set_expression_attribute_values(input.expression_attribute_values.map(sdk))
            .send()
            .await;
        let created = match put {
            Ok(_) => true,
            // Its condition says this firing was done already.
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => false,
            Err(e) => return Err(failed(aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string())),
        };
        Ok(Fired {
            schedule: schedule.name.clone(),
            scheduled_time,
            table_name: input.table_name,
            key: serde_json::Value::Object(key),
            created,
        })
    }
}

fn parse(def: &ScheduleDef, template: &Template, table_prefix: &str) -> Result<Schedule, String> {
    let p = &def.properties;
    let text = |value: Option<&Value>, what: &str| -> Result<String, String> {
        match value {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Tagged(t)) if t.tag == "!Sub" => {
                t.value.as_str().map(str::to_owned).ok_or_else(|| format!("{what} is not text"))
            }
            _ => Err(format!("{what} is missing or not text")),
        }
    };
    let expression = Expression::parse(&text(p.get("ScheduleExpression"), "ScheduleExpression")?)?;
    let zone = p.get("ScheduleExpressionTimezone").and_then(Value::as_str).unwrap_or("UTC");
    if matches!(expression, Expression::Hourly { .. }) && !WHOLE_HOUR_ZONES.contains(&zone) {
        return Err(format!("ScheduleExpressionTimezone {zone} is not one of {WHOLE_HOUR_ZONES:?}"));
    }
    let target = p.get("Target").ok_or("no Target")?;
    let arn = text(target.get("Arn"), "Target.Arn")?;
    if arn != PUT_ITEM_TARGET {
        return Err(format!("Target.Arn {arn} is not {PUT_ITEM_TARGET}"));
    }
    let input = substitute(&text(target.get("Input"), "Target.Input")?, template, table_prefix)?;
    let example = put_item_input(&with_context(&input, &def.logical_id, &scheduled_time(0)))?;
    let table = template
        .tables
        .iter()
        .find(|t| format!("{table_prefix}{}", t.logical_id) == example.table_name)
        .ok_or_else(|| format!("TableName {} is no table of the template", example.table_name))?;
    Ok(Schedule {
        name: def.logical_id.clone(),
        expression,
        enabled: p.get("State").and_then(Value::as_str) != Some("DISABLED"),
        input,
        key_attributes: tables::key_attributes(table),
    })
}

/// `!Sub` of the template's tables: `${LogicalId}` is the runner's name of that table.
fn substitute(text: &str, template: &Template, table_prefix: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let end = rest[start..].find('}').ok_or("an unclosed ${ in Target.Input")? + start;
        let name = &rest[start + 2..end];
        if !template.is_table(name) {
            return Err(format!("Target.Input names ${{{name}}}, which is not a table"));
        }
        out.push_str(&rest[..start]);
        out.push_str(&format!("{table_prefix}{name}"));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The input with EventBridge Scheduler's context attributes filled in for a firing at `scheduled_time`.
fn with_context(input: &str, schedule: &str, scheduled_time: &str) -> String {
    input
        .replace("<aws.scheduler.scheduled-time>", scheduled_time)
        .replace(
            "<aws.scheduler.schedule-arn>",
            &format!("arn:aws:scheduler:us-east-1:000000000000:schedule/default/{schedule}"),
        )
        .replace("<aws.scheduler.execution-id>", &ulid::Ulid::new().to_string().to_lowercase())
        .replace("<aws.scheduler.attempt-number>", "1")
}

fn put_item_input(json: &str) -> Result<PutItemInput, String> {
    serde_json::from_str(json).map_err(|e| format!("Target.Input is not a PutItem request: {e}"))
}

/// As EventBridge Scheduler writes `<aws.scheduler.scheduled-time>`: `2022-03-22T18:59:43Z`.
fn scheduled_time(unix_seconds: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let at = OffsetDateTime::from_unix_timestamp(unix_seconds).expect("a time within the calendar");
    at.format(&format).expect("the format has only numeric fields")
}

fn wall_clock() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn understands_hourly_crons_and_minute_or_hour_rates_only() {
        assert_eq!(Expression::parse("cron(5 * * * ? *)"), Ok(Expression::Hourly { minute: 5 }));
        assert_eq!(Expression::parse("rate(1 minute)"), Ok(Expression::Every { seconds: 60 }));
        assert_eq!(Expression::parse("rate(15 minutes)"), Ok(Expression::Every { seconds: 900 }));
        assert_eq!(Expression::parse("rate(2 hours)"), Ok(Expression::Every { seconds: 7200 }));
        for other in [
            "cron(60 * * * ? *)",
            "cron(5 2 * * ? *)",
            "cron(0/5 * * * ? *)",
            "cron(5 * * *)",
            "rate(0 minutes)",
            "rate(1 day)",
            "rate(minutes)",
            "at(2026-04-23T10:00:00)",
        ] {
            let error = Expression::parse(other).unwrap_err();
            assert!(error.contains(other), "{error}");
        }
    }

    #[test]
    fn fires_at_the_next_time_strictly_after_and_knows_the_latest_one() {
        // 2026-04-23T10:05:00Z
        let five_past = 1_776_938_700;
        let hourly = Expression::Hourly { minute: 5 };
        assert_eq!(hourly.next_after(five_past - 1), five_past);
        assert_eq!(hourly.next_after(five_past), five_past + 3600);
        assert_eq!(hourly.latest_at(five_past), five_past);
        assert_eq!(hourly.latest_at(five_past + 3599), five_past);
        assert_eq!(hourly.latest_at(five_past - 1), five_past - 3600);
        assert_eq!(scheduled_time(five_past), "2026-04-23T10:05:00Z");

        let quarter = Expression::Every { seconds: 900 };
        assert_eq!(quarter.next_after(five_past), five_past + 600);
        assert_eq!(quarter.latest_at(five_past), five_past - 300);
    }

    fn schedules(schedule: &str) -> Result<Schedules, String> {
        let yaml = format!(
            r#"
Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{{ AttributeName: pk, KeyType: HASH }}, {{ AttributeName: sk, KeyType: RANGE }}]
  Every:
    Type: AWS::Scheduler::Schedule
    Properties:
{schedule}"#
        );
        let template = Template::parse(&yaml).unwrap();
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .build();
        let clock = Arc::new(shared::clock::SystemClock);
        Schedules::from_template(&template, "p_", aws_sdk_dynamodb::Client::from_conf(config), clock)
    }

    #[test]
    fn resolves_the_tables_its_put_names_and_refuses_what_it_cannot_play_naming_the_schedule() {
        let put = r#"      ScheduleExpression: rate(5 minutes)
      Target:
        Arn: arn:aws:scheduler:::aws-sdk:dynamodb:putItem
        Input: !Sub '{"TableName":"${Things}","Item":{"pk":{"S":"a"},"sk":{"S":"<aws.scheduler.scheduled-time>"}}}'
"#;
        let played = schedules(put).unwrap();
        let every = &played.schedules[0];
        assert_eq!(
            (every.name.as_str(), every.key_attributes.as_slice()),
            ("Every", &["pk".to_owned(), "sk".to_owned()][..])
        );
        let input = put_item_input(&with_context(&every.input, "Every", "2026-04-23T10:05:00Z")).unwrap();
        assert_eq!(input.table_name, "p_Things");
        assert_eq!(input.item["sk"], serde_dynamo::AttributeValue::S("2026-04-23T10:05:00Z".into()));

        for (wrong, says) in [
            (put.replace("rate(5 minutes)", "cron(0 12 * * ? *)"), "cron(0 12 * * ? *)"),
            (put.replace("aws-sdk:dynamodb:putItem", "aws-sdk:sqs:sendMessage"), "sqs:sendMessage"),
            (put.replace("${Things}", "${Elsewhere}"), "${Elsewhere}"),
            (put.replace(r#""Item""#, r#""Items""#), "PutItem request"),
            (
                format!(
                    "{put}      ScheduleExpressionTimezone: Asia/Kolkata
"
                )
                .replace("rate(5 minutes)", "cron(5 * * * ? *)"),
                "Asia/Kolkata",
            ),
        ] {
            let error = schedules(&wrong).err().unwrap();
            assert!(error.starts_with("schedule Every: ") && error.contains(says), "{error}");
        }
    }
}
