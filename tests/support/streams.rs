//! Change records as DynamoDB Streams delivers them, for feeding stream triggers directly, and the
//! app a trigger gets in the local runner.

use std::sync::Arc;

use serde::Serialize;
use serde_dynamo::{AttributeValue, Item};
use shared::App;
use shared::streams::{StreamEvent, StreamRecord};

use crate::TestMarketplace;

/// `value` as a table item, with the string attributes `extra` (e.g. `kind`) added.
pub fn image<T: Serialize>(value: &T, extra: &[(&str, String)]) -> Item {
    let mut item: Item = serde_dynamo::to_item(value).unwrap();
    for (name, text) in extra {
        item.insert((*name).into(), AttributeValue::S(text.clone()));
    }
    item
}

/// A record of `event_name` (`INSERT`, `MODIFY`, `REMOVE`) at `sequence`, which also names the
/// record's sequence number (what a batch failure reports) and its event id.
pub fn record(event_name: &str, sequence: u32, old_image: Item, new_image: Item) -> StreamRecord {
    let mut record = StreamRecord::default();
    record.event_id = format!("event-{sequence}");
    record.event_name = event_name.into();
    record.change.sequence_number = Some(format!("{sequence:021}"));
    record.change.old_image = old_image;
    record.change.new_image = new_image;
    record
}

/// One delivery of `records`, in order.
pub fn batch(records: Vec<StreamRecord>) -> StreamEvent {
    let mut event = StreamEvent::default();
    event.records = records;
    event
}

impl TestMarketplace {
    /// The app a trigger gets in the local runner: this marketplace's, publishing to its outbox.
    pub fn trigger_app(&self) -> App {
        self.app().clone().with_publisher(Arc::clone(&self.marketplace.outbox) as Arc<dyn shared::notify::Publisher>)
    }
}
