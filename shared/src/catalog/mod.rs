//! The catalog: categories, products and how products are listed.

pub mod category;
pub mod governorate;
pub mod listing;
pub mod listing_index;
pub mod ownership;
pub mod product;
pub mod product_input;
pub mod search;
pub mod text;

pub use category::Category;
pub use governorate::Governorate;
pub use product::{Condition, Product, ProductId, ProductStatus};
