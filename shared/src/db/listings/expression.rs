//! The Query that reads a [`Plan`]'s entries: its key condition on the partition and sort key,
//! and a filter expression for the residual filters, with a placeholder for every name (several
//! are reserved words) and value.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::catalog::listing::Range;
use crate::catalog::listing_index::{Plan, Residual, SortKey};
use crate::db::attributes::{n, s};

impl SortKey {
    pub(super) fn attribute(self) -> &'static str {
        match self {
            Self::ProductId => "productId",
            Self::ByPrice => "byPrice",
            Self::ByYear => "byYear",
            Self::ByMileage => "byMileage",
        }
    }

    fn index(self) -> Option<&'static str> {
        match self {
            Self::ProductId => None,
            Self::ByPrice => Some("ByPrice"),
            Self::ByYear => Some("ByYear"),
            Self::ByMileage => Some("ByMileage"),
        }
    }
}

/// A filter expression under construction: placeholders for every name (several are reserved
/// words) and value.
#[derive(Default)]
struct Expression {
    clauses: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expression {
    fn name(&mut self, attribute: &str) -> String {
        let placeholder = format!("#{attribute}");
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    fn value(&mut self, label: &str, value: AttributeValue) -> String {
        let placeholder = format!(":{label}");
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    fn equals(&mut self, attribute: &str, value: AttributeValue) {
        let (name, value) = (self.name(attribute), self.value(attribute, value));
        self.clauses.push(format!("{name} = {value}"));
    }

    fn contains(&mut self, attribute: &str, value: &str) {
        let (name, value) = (self.name(attribute), self.value(attribute, s(value)));
        self.clauses.push(format!("contains({name}, {value})"));
    }

    fn within<T: ToString + Copy>(&mut self, attribute: &str, range: Range<T>) {
        if range.min.is_none() && range.max.is_none() {
            return;
        }
        let name = self.name(attribute);
        match (range.min, range.max) {
            (Some(lo), Some(hi)) => {
                let (lo, hi) =
                    (self.value(&format!("{attribute}Min"), n(lo)), self.value(&format!("{attribute}Max"), n(hi)));
                self.clauses.push(format!("{name} BETWEEN {lo} AND {hi}"));
            }
            (Some(lo), None) => {
                let lo = self.value(&format!("{attribute}Min"), n(lo));
                self.clauses.push(format!("{name} >= {lo}"));
            }
            (None, Some(hi)) => {
                let hi = self.value(&format!("{attribute}Max"), n(hi));
                self.clauses.push(format!("{name} <= {hi}"));
            }
            (None, None) => unreachable!("open ranges return early"),
        }
    }

    fn residual(residual: &Residual) -> Self {
        let mut e = Self::default();
        if let Some(category) = &residual.category {
            e.equals("categoryId", s(category));
        }
        if let Some(make) = &residual.make {
            e.contains("makes", make);
        }
        if let Some(model) = &residual.model {
            e.contains("models", model);
        }
        e.within("year", residual.year);
        e.within("price", residual.price);
        if let Some(condition) = residual.condition {
            e.equals("condition", s(condition.as_str()));
        }
        if let Some(governorate) = residual.governorate {
            e.equals("governorate", s(governorate.slug()));
        }
        if let Some(vendor) = &residual.vendor_id {
            e.equals("vendorId", s(vendor));
        }
        for (i, word) in residual.words.iter().enumerate() {
            let (name, value) = (e.name("terms"), e.value(&format!("word{i}"), s(format!(" {word}"))));
            e.clauses.push(format!("contains({name}, {value})"));
        }
        e
    }
}

/// The key condition, filter and placeholders of the Query that reads `plan`'s entries.
pub(super) struct PreparedQuery {
    key_condition: String,
    /// The residual filters, if any: without them every entry read is a match.
    pub(super) filter: Option<String>,
    expression: Expression,
    pub(super) key_names: Vec<&'static str>,
}

impl PreparedQuery {
    /// The Query over `table` for `plan`'s index, key condition and filter, returning only
    /// `attributes` of each entry. An entry holds every field a filter may test (about 650 bytes);
    /// a page needs only its keys and the facets three fields, and every byte returned is parsed.
    pub(super) fn query(
        &self,
        client: &aws_sdk_dynamodb::Client,
        table: &str,
        plan: &Plan,
        attributes: &[&str],
    ) -> QueryFluentBuilder {
        let mut names = self.expression.names.clone();
        let projection: Vec<String> = attributes
            .iter()
            .map(|attribute| {
                let placeholder = format!("#{attribute}");
                names.insert(placeholder.clone(), (*attribute).to_owned());
                placeholder
            })
            .collect();
        client
            .query()
            .table_name(table)
            .set_index_name(plan.sort_key.index().map(str::to_owned))
            .key_condition_expression(&self.key_condition)
            .set_filter_expression(self.filter.clone())
            .projection_expression(projection.join(", "))
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(self.expression.values.clone()))
    }

    pub(super) fn of(plan: &Plan) -> Self {
        let mut expression = Expression::residual(&plan.residual);
        let mut key_condition = "#pk = :pk".to_owned();
        expression.names.insert("#pk".into(), "pk".into());
        expression.values.insert(":pk".into(), s(&plan.partition));
        let sort_attribute = plan.sort_key.attribute();
        if let Some((lo, hi)) = &plan.key_range {
            let name = expression.name(sort_attribute);
            expression.values.insert(":lo".into(), s(lo));
            expression.values.insert(":hi".into(), s(hi));
            key_condition.push_str(&format!(" AND {name} BETWEEN :lo AND :hi"));
        }
        let filter = (!expression.clauses.is_empty()).then(|| expression.clauses.join(" AND "));
        let key_names = match plan.sort_key {
            SortKey::ProductId => vec!["pk", "productId"],
            other => vec!["pk", "productId", other.attribute()],
        };
        Self { key_condition, filter, expression, key_names }
    }
}
