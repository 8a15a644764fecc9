//! Who may change a product: its vendor, or an admin. Anyone else is told it does not exist.

use crate::accounts::Caller;
use crate::catalog::product::Product;
use crate::error::ApiError;

/// The product, if `caller` may change it and it is still listed (an archived product is gone).
pub fn editable_by(product: Option<Product>, caller: &Caller) -> Result<Product, ApiError> {
    let product = product.filter(Product::is_visible).ok_or(ApiError::NotFound)?;
    if caller.is_admin() || product.vendor_id == caller.user_id.to_string() {
        Ok(product)
    } else {
        Err(ApiError::NotFound)
    }
}
