//! Product stock changed together with orders: taken at checkout, returned on cancellation. No
//! change loses an update or goes below zero, and the status follows the stock in the same write.
//!
//! Taking is a conditional decrement, so buyers of one popular part do not undo each other: while
//! more than the quantity is left, `stock > :quantity` is all it needs (the product stays active,
//! whatever others took meanwhile). Taking the last units must also mark the product `sold_out`,
//! which a decrement cannot decide, so that write holds only if exactly those units are left.
//! Returning is conditional on the stock and status as read.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};

use crate::catalog::product::{Product, ProductStatus};
use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{n, pk, s};
use crate::db::transaction;
use crate::error::ApiError;
use crate::orders::order::Order;
use crate::tables::Table;

#[derive(Clone, Debug)]
pub struct StockRepo {
    client: aws_sdk_dynamodb::Client,
    products: String,
    idempotency: String,
}

fn status_value(status: ProductStatus) -> AttributeValue {
    s(serde_json::to_value(status).expect("statuses serialize").as_str().expect("a string"))
}

impl StockRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self {
            client: db.client(),
            products: db.table(Table::Products)?,
            idempotency: db.table(Table::Idempotency)?,
        })
    }

    /// Takes `quantity` of `product` (as read: active, with at least `quantity` in stock).
    pub(crate) fn take(&self, product: &Product, quantity: u32, now: Timestamp) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(&self.products)
            .key("id", s(product.id))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":quantity", n(quantity))
            .expression_attribute_values(":active", status_value(ProductStatus::Active))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(now));
        let update = if product.stock > quantity {
            update
                .update_expression("SET stock = stock - :quantity, version = version + :one, updatedAt = :now")
                .condition_expression("stock > :quantity AND #status = :active")
        } else {
            update
                .update_expression("SET stock = :zero, #status = :sold_out, version = version + :one, updatedAt = :now")
                .condition_expression("stock = :quantity AND #status = :active")
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":sold_out", status_value(ProductStatus::SoldOut))
        };
        Ok(TransactWriteItem::builder().update(update.build().map_err(ApiError::internal)?).build())
    }

    /// Sets a product's stock from what was read to `stock`, if nobody changed it in between; its
    /// status follows (`sold_out` at zero, `active` again when stock returns).
    fn set_stock(&self, product: &Product, stock: u32, now: Timestamp) -> Result<TransactWriteItem, ApiError> {
        let status = match (product.status, stock) {
            (ProductStatus::Archived, _) => ProductStatus::Archived,
            (_, 0) => ProductStatus::SoldOut,
            _ => ProductStatus::Active,
        };
        let update = Update::builder()
            .table_name(&self.products)
            .key("id", s(product.id))
            .update_expression("SET stock = :stock, #status = :status, version = version + :one, updatedAt = :now")
            .condition_expression("stock = :read AND #status = :read_status")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":stock", n(stock))
            .expression_attribute_values(":status", status_value(status))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(now))
            .expression_attribute_values(":read", n(product.stock))
            .expression_attribute_values(":read_status", status_value(product.status))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Returns a cancelled order's items to stock, once however often it is asked (the marker
    /// `restocked#<order>` is written in the same transaction). `Ok(false)`: products changed
    /// meanwhile; read them again and retry.
    pub async fn return_stock(&self, order: &Order, products: &[Product], now: Timestamp) -> Result<bool, ApiError> {
        let mut items = Vec::with_capacity(products.len() + 1);
        let mut marker = pk(format!("restocked#{}", order.id));
        marker.insert("expiresAt".to_owned(), n(now.unix_seconds() + 30 * 24 * 3600));
        let put = Put::builder()
            .table_name(&self.idempotency)
            .set_item(Some(marker))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(ApiError::internal)?;
        items.push(TransactWriteItem::builder().put(put).build());
        for product in products {
            let quantity = order.items.iter().filter(|i| i.product_id == product.id).map(|i| i.quantity).sum::<u32>();
            items.push(self.set_stock(product, product.stock + quantity, now)?);
        }
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(true),
            // The marker was there: returned before.
            Err(e) if e.failed_at(0) => Ok(true),
            Err(e) if e.any_failed() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
