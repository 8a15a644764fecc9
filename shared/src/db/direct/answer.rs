//! Reading a call's successful answer ourselves, under the SDK's own signing, retries and errors.
//!
//! An interceptor on the one call takes a successful answer's body before the SDK reads it, reads
//! it with the call's own function (typed, straight from its bytes) and hands the SDK what that
//! function says it is to see: nothing (`{}`, an empty output), or the answer's counts (so that
//! what a Query cost still shows to whoever watches the SDK's outputs). Anything but a success (an
//! error, a throttle) reaches the SDK untouched, so retries and error codes are as before.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, ready};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::Bytes;
use http_body::{Body, Frame};

use crate::db::error::undecodable;
use crate::error::ApiError;

/// What a call's reader made of a successful body: the answer, and what the SDK reads instead.
pub struct Read<T> {
    pub answer: T,
    pub for_the_sdk: ForTheSdk,
}

pub enum ForTheSdk {
    Nothing,
    /// A Query's `Count` and `ScannedCount`.
    Counts {
        count: i32,
        scanned_count: i32,
    },
}

pub type Reader<T> = Box<dyn Fn(&[u8]) -> Result<Read<T>, serde_json::Error> + Send + Sync>;

/// One call's reading of its answer: pass [`interceptor`](Self::interceptor) to the call's
/// `customize().interceptor(..)`, send it, then take the [`answer`](Self::answer).
pub struct ReadAnswer<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    read: Reader<T>,
    /// The answer of the last attempt that succeeded.
    answer: Mutex<Option<Result<T, serde_json::Error>>>,
}

impl<T: Send + 'static> ReadAnswer<T> {
    pub fn new(read: Reader<T>) -> Self {
        Self { shared: Arc::new(Shared { read, answer: Mutex::new(None) }) }
    }

    pub fn interceptor(&self) -> impl Intercept + 'static {
        Interceptor(Arc::clone(&self.shared))
    }

    /// The answer read, once the call succeeded.
    pub fn answer(self) -> Result<T, ApiError> {
        match self.shared.answer().take() {
            Some(Ok(answer)) => Ok(answer),
            Some(Err(error)) => Err(undecodable(error)),
            None => Err(ApiError::internal("the call succeeded but its answer was not read")),
        }
    }
}

impl<T> Shared<T> {
    fn answer(&self) -> MutexGuard<'_, Option<Result<T, serde_json::Error>>> {
        // Only ever replaced whole: a panic elsewhere leaves nothing half-written in it.
        self.answer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads `body` and says what the SDK reads in its place.
    fn read(&self, body: &[u8]) -> Bytes {
        let (answer, for_the_sdk) = match (self.read)(body) {
            Ok(read) => (Ok(read.answer), read.for_the_sdk),
            Err(error) => (Err(error), ForTheSdk::Nothing),
        };
        *self.answer() = Some(answer);
        match for_the_sdk {
            ForTheSdk::Nothing => Bytes::from_static(b"{}"),
            ForTheSdk::Counts { count, scanned_count } => {
                Bytes::from(format!(r#"{{"Count":{count},"ScannedCount":{scanned_count}}}"#))
            }
        }
    }
}

struct Interceptor<T>(Arc<Shared<T>>);

impl<T> fmt::Debug for Interceptor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReadAnswer")
    }
}

impl<T: Send + 'static> Intercept for Interceptor<T> {
    fn name(&self) -> &'static str {
        "ReadAnswer"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        if !response.status().is_success() {
            return Ok(());
        }
        let body = std::mem::replace(response.body_mut(), SdkBody::taken());
        *response.body_mut() = match body.bytes() {
            Some(bytes) => SdkBody::from(self.0.read(bytes)),
            // Still arriving: read once the last of it has.
            None => SdkBody::from_body_1_x(Collected {
                body,
                bytes: Vec::new(),
                shared: Arc::clone(&self.0),
                given_on: false,
            }),
        };
        Ok(())
    }
}

/// A body collected to its end, then read, then given on as what the SDK is to read.
struct Collected<T> {
    body: SdkBody,
    bytes: Vec<u8>,
    shared: Arc<Shared<T>>,
    /// Whether the body was read and what the SDK reads given on.
    given_on: bool,
}

impl<T: Send + 'static> Body for Collected<T> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            match ready!(Pin::new(&mut this.body).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        this.bytes.extend_from_slice(data);
                    }
                }
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None if this.given_on => return Poll::Ready(None),
                None => {
                    this.given_on = true;
                    return Poll::Ready(Some(Ok(Frame::data(this.shared.read(&this.bytes)))));
                }
            }
        }
    }
}
