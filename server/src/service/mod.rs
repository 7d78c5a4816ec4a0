//! The operations, without HTTP: each takes the caller, the state it needs and a typed
//! input, and answers a typed result or a [`ServiceError`]. The API's handlers parse, call
//! and map errors to problem documents (`api::problem`); the command line calls the same
//! functions, and so will the web console.

pub mod blobs;
pub mod directory;
pub mod error;
pub mod evidence;
pub mod gc;
pub mod inspection;
pub mod seal_log;
pub mod sealing;
pub mod seat;
pub mod session;
pub mod sign_in;
pub mod webhooks;

pub use error::{ServiceError, ServiceResult};
