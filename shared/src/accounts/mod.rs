//! Accounts: who a user is (email, name, phone, role), how they prove it (password, tokens), and
//! the values a registration or login is made of, each parsed once into a type that cannot be
//! invalid.

pub mod audit;
pub mod caller;
pub mod email;
mod guesses;
pub mod password;
pub mod phone;
pub mod preferences;
pub mod profile;
pub mod registration;
pub mod secret_token;
pub mod session_tokens;
mod token_signatures;
pub mod tokens;
pub mod user;

pub use caller::Caller;
pub use email::Email;
pub use password::{Password, PasswordHash};
pub use phone::Phone;
pub use preferences::{Channel, Channels, Preferences};
pub use secret_token::SecretToken;
pub use user::{Account, PersonName, Role, User};
