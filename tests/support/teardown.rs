//! The tables of a finished test are deleted. One DynamoDB Local serves every test of a run, and
//! it keeps every table it was given, with its items and stream records, to the end of the run:
//! 18 tables a test, thousands by the last tests, which then saw it stall for many seconds at a
//! time.

use std::collections::BTreeMap;
use std::sync::Mutex;

use shared::app::App;
use shared::config::Config;
use shared::tables::Table;

/// The marketplaces alive on each table prefix that [`TestMarketplace::spawn`] made. A prefix a
/// test names itself is that test's to keep (it may open it again later).
///
/// [`TestMarketplace::spawn`]: crate::TestMarketplace::spawn
static ALIVE: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

fn alive() -> std::sync::MutexGuard<'static, BTreeMap<String, usize>> {
    ALIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `prefix` is new and its tables go when the last marketplace on it does.
pub(crate) fn own(prefix: &str) {
    alive().insert(prefix.to_owned(), 0);
}

pub(crate) fn opened(prefix: &str) {
    if let Some(count) = alive().get_mut(prefix) {
        *count += 1;
    }
}

/// Whether the marketplace that closed was the last one on an owned prefix.
pub(crate) fn closed(prefix: &str) -> bool {
    let mut alive = alive();
    let Some(count) = alive.get_mut(prefix) else { return false };
    *count -= 1;
    if *count > 0 {
        return false;
    }
    alive.remove(prefix);
    true
}

/// Deletes the tables `<prefix><LogicalId>` and waits until DynamoDB Local has taken the requests.
/// On a thread and runtime of its own: it runs while the test's runtime is being torn down.
pub(crate) fn delete_tables(endpoint: String, prefix: String) {
    let deleting = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async {
            let app = App::new(Config::local(&endpoint, &prefix, b"the tables are only deleted")).await;
            let deletions = Table::ALL
                .iter()
                .map(|table| app.dynamodb.delete_table().table_name(format!("{prefix}{}", table.logical_id())).send());
            // A table that is not there (or a DynamoDB Local a test stopped) is nothing to clean.
            let _ = futures::future::join_all(deletions).await;
        });
    });
    let _ = deleting.join();
}
