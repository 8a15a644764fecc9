//! What a buyer asks of the catalog: filters, a sort order and a page. Parsed once from the query
//! string into values that cannot be contradictory (min ≤ max, a model only with its make, a known
//! category).

use crate::catalog::category;
use crate::catalog::governorate::Governorate;
use crate::catalog::product::Condition;
use crate::catalog::text::fold;
use crate::error::{ApiError, FieldErrors};
use crate::params::{DEFAULT_LIMIT, MAX_LIMIT, Params, int_in};

pub const MIN_YEAR: u16 = 1900;
pub const MAX_YEAR: u16 = 2100;
/// 100 million EGP, in piasters: above any real listing, far below overflow.
pub const MAX_PRICE: u64 = 10_000_000_000;

/// The query parameters of `GET /api/products`, in the order the contract lists them.
pub const PARAMS: &[&str] = &[
    "category",
    "make",
    "model",
    "yearMin",
    "yearMax",
    "priceMin",
    "priceMax",
    "condition",
    "governorate",
    "vendorId",
    "sort",
    "limit",
    "cursor",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    PriceAsc,
    PriceDesc,
    YearDesc,
    MileageAsc,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::YearDesc => "year_desc",
            Self::MileageAsc => "mileage_asc",
        }
    }
}

impl std::str::FromStr for Sort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Newest, Self::PriceAsc, Self::PriceDesc, Self::YearDesc, Self::MileageAsc]
            .into_iter()
            .find(|sort| sort.as_str() == s)
            .ok_or_else(|| "must be one of newest, price_asc, price_desc, year_desc, mileage_asc".to_owned())
    }
}

/// An inclusive range; either end may be open. Construction guarantees `min <= max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Range<T> {
    pub min: Option<T>,
    pub max: Option<T>,
}

impl<T: PartialOrd + Copy> Range<T> {
    fn new(min: Option<T>, max: Option<T>) -> Option<Self> {
        match (min, max) {
            (Some(lo), Some(hi)) if lo > hi => None,
            _ => Some(Self { min, max }),
        }
    }

    pub fn is_open(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

/// A make, or a make and one of its models, folded for case-insensitive matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeModel {
    pub make: String,
    pub model: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    pub category: Option<String>,
    pub make_model: Option<MakeModel>,
    pub year: Range<u16>,
    pub price: Range<u64>,
    pub condition: Option<Condition>,
    pub governorate: Option<Governorate>,
    pub vendor_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingQuery {
    pub filters: Filters,
    pub sort: Sort,
    pub limit: u16,
    pub cursor: Option<String>,
}

impl ListingQuery {
    pub fn from_params(params: &Params) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let category = errors.take(params.get("category", |raw| {
            if category::is_standard(raw) { Ok(raw.to_owned()) } else { Err("is not a known category id".to_owned()) }
        }));
        let make = errors.take(params.get("make", non_empty_name));
        let model = errors.take(params.get("model", non_empty_name));
        let year_min = errors.take(params.get("yearMin", int_in(MIN_YEAR, MAX_YEAR)));
        let year_max = errors.take(params.get("yearMax", int_in(MIN_YEAR, MAX_YEAR)));
        let price_min = errors.take(params.get("priceMin", int_in(0, MAX_PRICE)));
        let price_max = errors.take(params.get("priceMax", int_in(0, MAX_PRICE)));
        let condition = errors.take(params.get("condition", str::parse::<Condition>));
        let governorate = errors.take(params.get("governorate", str::parse::<Governorate>));
        let vendor_id = errors.take(params.get("vendorId", |raw| {
            if ulid::Ulid::from_string(raw).is_ok_and(|id| id.to_string() == raw) {
                Ok(raw.to_owned())
            } else {
                Err("is not a valid vendor id".to_owned())
            }
        }));
        let sort = errors.take(params.get("sort", str::parse::<Sort>));
        let limit = errors.take(params.get("limit", int_in(1, MAX_LIMIT)));
        let cursor = params.raw("cursor").map(str::to_owned);

        let make_model = match (make.flatten(), model.flatten()) {
            (Some(make), model) => Some(MakeModel { make, model }),
            (None, Some(_)) => {
                errors.push("model", "requires make");
                None
            }
            (None, None) => None,
        };
        let year = Range::new(year_min.flatten(), year_max.flatten()).unwrap_or_else(|| {
            errors.push("yearMin", "must not be greater than yearMax");
            Range::default()
        });
        let price = Range::new(price_min.flatten(), price_max.flatten()).unwrap_or_else(|| {
            errors.push("priceMin", "must not be greater than priceMax");
            Range::default()
        });
        errors.finish(|| Self {
            filters: Filters {
                category: category.flatten(),
                make_model,
                year,
                price,
                condition: condition.flatten(),
                governorate: governorate.flatten(),
                vendor_id: vendor_id.flatten(),
            },
            sort: sort.flatten().unwrap_or(Sort::Newest),
            limit: limit.flatten().unwrap_or(DEFAULT_LIMIT),
            cursor,
        })
    }

    /// A canonical description of what is being listed (not the page size or position): the scope a
    /// cursor is bound to.
    pub fn scope(&self) -> String {
        let f = &self.filters;
        let opt = |v: Option<String>| v.unwrap_or_default();
        format!(
            "products|c={}|m={}|mo={}|y={}-{}|p={}-{}|cond={}|g={}|v={}|s={}",
            opt(f.category.clone()),
            opt(f.make_model.as_ref().map(|m| m.make.clone())),
            opt(f.make_model.as_ref().and_then(|m| m.model.clone())),
            opt(f.year.min.map(|v| v.to_string())),
            opt(f.year.max.map(|v| v.to_string())),
            opt(f.price.min.map(|v| v.to_string())),
            opt(f.price.max.map(|v| v.to_string())),
            opt(f.condition.map(|c| c.as_str().to_owned())),
            opt(f.governorate.map(|g| g.slug().to_owned())),
            opt(f.vendor_id.clone()),
            self.sort.as_str(),
        )
    }
}

fn non_empty_name(raw: &str) -> Result<String, String> {
    let folded = fold(raw);
    if folded.is_empty() || folded.chars().count() > 60 {
        Err("must be 1 to 60 characters".to_owned())
    } else {
        Ok(folded)
    }
}
