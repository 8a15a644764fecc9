//! A product listed by a vendor: a car, a spare part or an accessory.

use serde::{Deserialize, Serialize};

use crate::catalog::governorate::Governorate;
use crate::clock::Timestamp;
use crate::money::Money;

pub use crate::ids::ProductId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    New,
    Used,
}

impl std::str::FromStr for Condition {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(Self::New),
            "used" => Ok(Self::Used),
            _ => Err("must be new or used".to_owned()),
        }
    }
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Used => "used",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Active,
    SoldOut,
    Archived,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Location {
    pub governorate: Governorate,
    pub city: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyType {
    Sedan,
    Hatchback,
    Suv,
    Crossover,
    Coupe,
    Convertible,
    Wagon,
    Van,
    Minivan,
    Pickup,
    Truck,
    Bus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FuelType {
    Petrol,
    Diesel,
    Hybrid,
    Electric,
    NaturalGas,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transmission {
    Manual,
    Automatic,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Vehicle {
    pub make: String,
    pub model: String,
    pub year: u16,
    pub mileage_km: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_type: Option<BodyType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel_type: Option<FuelType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transmission: Option<Transmission>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vin: Option<String>,
}

impl Vehicle {
    /// A vehicle described by what every listing of a car must say; the optional details unset.
    pub fn new(make: &str, model: &str, year: u16, mileage_km: u32) -> Self {
        Self {
            make: make.to_owned(),
            model: model.to_owned(),
            year,
            mileage_km,
            body_type: None,
            fuel_type: None,
            transmission: None,
            color: None,
            vin: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Compatibility {
    pub make: String,
    pub model: String,
    pub year_from: u16,
    pub year_to: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Part {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oem_number: Option<String>,
    #[serde(default)]
    pub compatible_with: Vec<Compatibility>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: ProductId,
    pub vendor_id: String,
    pub category_id: String,
    pub title: String,
    pub description: String,
    pub price: Money,
    pub condition: Condition,
    pub stock: u32,
    pub status: ProductStatus,
    pub images: Vec<String>,
    /// Small versions of `images`, in the same order: the 320-pixel rendition of an uploaded
    /// photo, an outside image's own URL. Products listed before photos could be uploaded have
    /// none stored and show their images.
    #[serde(default)]
    pub thumbnails: Vec<String>,
    pub location: Location,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicle: Option<Vehicle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl Product {
    /// Shown to buyers: in listings, search and by id.
    pub fn is_visible(&self) -> bool {
        self.status != ProductStatus::Archived
    }

    /// This product withdrawn from sale for good, one version later.
    pub fn archived(&self, at: Timestamp) -> Self {
        Self { status: ProductStatus::Archived, updated_at: at, version: self.version + 1, ..self.clone() }
    }

    /// The (make, model) pairs a buyer filtering by make or model should find this product under:
    /// a car's own, or every vehicle a part fits.
    pub fn makes_and_models(&self) -> Vec<(&str, &str)> {
        let own = self.vehicle.iter().map(|v| (v.make.as_str(), v.model.as_str()));
        let fits = self.part.iter().flat_map(|p| p.compatible_with.iter().map(|c| (c.make.as_str(), c.model.as_str())));
        own.chain(fits).collect()
    }
}
