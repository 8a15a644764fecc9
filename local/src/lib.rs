//! `souk-local`: the whole Souk El-Sayarat marketplace on a laptop, offline, with no Docker and no
//! AWS account. It starts DynamoDB Local, creates the tables of template.yaml, seeds the standard
//! categories and serves every HTTP route of template.yaml on one port by calling each function's
//! handler in-process with real API Gateway HTTP API events; it feeds the triggers their tables'
//! streams and fires the schedules. It plays Paymob too (`/_local/paymob`, `/_local/payments`),
//! S3 through moto server (`/_local/s3`, with the buckets' object-created events, and the
//! public media at `/_local/media`), and the WebSocket API (`/ws`, with `@connections` for the
//! functions at `/_local/ws`).

pub mod access;
pub mod bulk;
pub mod cors;
pub mod dead_letters;
pub mod dynamodb_local;
pub mod empty_maps;
pub mod filter_pattern;
pub mod functions;
pub mod gateway;
pub mod guarded;
pub mod marketplace;
pub mod metrics;
pub mod moto;
pub mod objects;
pub mod outbox;
pub mod paymob;
pub mod policies;
pub mod query_reads;
pub mod router;
pub mod s3;
pub mod schedules;
pub mod sockets;
pub mod streams;
pub mod tables;
pub mod template;

pub use marketplace::{Marketplace, Options};
