//! What a vendor sends to list or change a product, checked field by field into a [`Product`]
//! that cannot be invalid: cars describe their vehicle, years and mileages are plausible, prices
//! are positive EGP, images are public https URLs or the vendor's own checked photos (`upload:<id>`,
//! which become their renditions' URLs), locations are in one of the 27 governorates.

use serde::Deserialize;

use crate::catalog::category::{self, CARS};
use crate::catalog::listing::{MAX_PRICE, MIN_YEAR};
use crate::catalog::product::{Compatibility, Condition, Location, Part, Product, ProductId, ProductStatus, Vehicle};
use crate::clock::Timestamp;
use crate::error::{ApiError, FieldErrors};
use crate::fields::text;
use crate::ids::UserId;
use crate::media::MediaUrls;
use crate::media::upload::{IMAGE_WIDTH, THUMBNAIL_WIDTH, UploadUse, upload_reference};
use crate::money::Money;

pub const MAX_IMAGES: usize = 20;
pub const MAX_STOCK: u32 = 10_000;
pub const MAX_MILEAGE_KM: u32 = 2_000_000;
pub const MAX_COMPATIBLE: usize = 50;

/// `POST /api/products`, as sent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductRequest {
    category_id: String,
    title: String,
    description: String,
    price: Money,
    condition: Condition,
    stock: u32,
    images: Vec<String>,
    location: Location,
    #[serde(default)]
    vehicle: Option<Vehicle>,
    #[serde(default)]
    part: Option<Part>,
}

/// `PATCH /api/products/{id}`: any subset of the fields a vendor may change.
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductPatch {
    category_id: Option<String>,
    title: Option<String>,
    description: Option<String>,
    price: Option<Money>,
    condition: Option<Condition>,
    stock: Option<u32>,
    images: Option<Vec<String>>,
    location: Option<Location>,
    vehicle: Option<Vehicle>,
    part: Option<Part>,
}

impl ProductRequest {
    /// The product, and the uploads its images use (which the write claims).
    pub fn into_product(
        self,
        vendor: UserId,
        now: Timestamp,
        media: &MediaUrls,
    ) -> Result<(Product, Vec<UploadUse>), ApiError> {
        let mut errors = FieldErrors::default();
        let (images, thumbnails) = gallery(&self.images, media, &mut errors);
        let uploads = image_uploads(&self.images);
        let product = Product {
            id: ProductId::new(),
            vendor_id: vendor.to_string(),
            category_id: self.category_id,
            title: self.title,
            description: self.description,
            price: self.price,
            condition: self.condition,
            stock: self.stock,
            status: ProductStatus::Active,
            images,
            thumbnails,
            location: self.location,
            vehicle: self.vehicle,
            part: self.part,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        Ok((checked(product, now, errors)?, uploads))
    }
}

impl ProductPatch {
    /// `current` with this patch applied, checked whole, one version later; and the uploads its
    /// new images use.
    pub fn apply(
        &self,
        current: &Product,
        now: Timestamp,
        media: &MediaUrls,
    ) -> Result<(Product, Vec<UploadUse>), ApiError> {
        let (current, patch) = (current.clone(), self.clone());
        let mut errors = FieldErrors::default();
        let (images, thumbnails) = match &patch.images {
            Some(entries) => gallery(entries, media, &mut errors),
            None => (current.images.clone(), current.thumbnails.clone()),
        };
        let uploads = patch.images.as_deref().map(image_uploads).unwrap_or_default();
        let product = Product {
            category_id: patch.category_id.unwrap_or(current.category_id),
            title: patch.title.unwrap_or(current.title),
            description: patch.description.unwrap_or(current.description),
            price: patch.price.unwrap_or(current.price),
            condition: patch.condition.unwrap_or(current.condition),
            stock: patch.stock.unwrap_or(current.stock),
            images,
            thumbnails,
            location: patch.location.unwrap_or(current.location),
            vehicle: patch.vehicle.or(current.vehicle),
            part: patch.part.or(current.part),
            updated_at: now,
            version: current.version + 1,
            ..current
        };
        Ok((checked(product, now, errors)?, uploads))
    }
}

/// A product's images as sent, each a public https URL or `upload:<id>` of a photo of the
/// vendor's: what the product shows as its images and thumbnails (an outside URL is its own
/// thumbnail).
fn gallery(entries: &[String], media: &MediaUrls, errors: &mut FieldErrors) -> (Vec<String>, Vec<String>) {
    if entries.is_empty() || entries.len() > MAX_IMAGES {
        errors.push("images", format!("must hold 1 to {MAX_IMAGES} images"));
    }
    let mut shown = (Vec::with_capacity(entries.len()), Vec::with_capacity(entries.len()));
    for (i, entry) in entries.iter().enumerate() {
        if let Some(id) = upload_reference(entry) {
            shown.0.push(media.rendition(id, IMAGE_WIDTH));
            shown.1.push(media.rendition(id, THUMBNAIL_WIDTH));
        } else if is_https_url(entry) {
            shown.0.push(entry.clone());
            shown.1.push(entry.clone());
        } else {
            errors.push(format!("images[{i}]"), "must be an https URL of at most 2048 characters or `upload:<id>`");
        }
    }
    shown
}

fn image_uploads(entries: &[String]) -> Vec<UploadUse> {
    let uploads = entries.iter().enumerate().filter_map(|(i, e)| upload_reference(e).map(|id| (i, id)));
    uploads.map(|(i, id)| UploadUse { field: format!("images[{i}]"), id }).collect()
}

/// Every rule a listed product obeys, adding to `errors` found before; text is trimmed; the status
/// follows the stock.
fn checked(mut p: Product, now: Timestamp, mut errors: FieldErrors) -> Result<Product, ApiError> {
    let this_year = now.as_offset_date_time().year() as u16;
    if !category::is_standard(&p.category_id) {
        errors.push("categoryId", "is not a known category id");
    }
    if let Some(title) = errors.take(text("title", &p.title, 3, 120)) {
        p.title = title;
    }
    if let Some(description) = errors.take(text("description", &p.description, 0, 5000)) {
        p.description = description;
    }
    if p.price.amount == 0 || p.price.amount > MAX_PRICE {
        errors.push("price.amount", format!("must be 1 to {MAX_PRICE} piasters"));
    }
    if p.stock > MAX_STOCK {
        errors.push("stock", format!("must be at most {MAX_STOCK}"));
    }
    if let Some(city) = errors.take(text("location.city", &p.location.city, 2, 60)) {
        p.location.city = city;
    }
    match (&mut p.vehicle, p.category_id == CARS) {
        (None, true) => errors.push("vehicle", "is required for cars"),
        (Some(vehicle), _) => check_vehicle(vehicle, this_year, &mut errors),
        (None, false) => {}
    }
    if let Some(part) = &mut p.part {
        check_part(part, this_year, &mut errors);
    }
    errors.finish(|| ())?;
    if p.status != ProductStatus::Archived {
        p.status = if p.stock == 0 { ProductStatus::SoldOut } else { ProductStatus::Active };
    }
    Ok(p)
}

fn check_vehicle(v: &mut Vehicle, this_year: u16, errors: &mut FieldErrors) {
    if let Some(make) = errors.take(text("vehicle.make", &v.make, 1, 60)) {
        v.make = make;
    }
    if let Some(model) = errors.take(text("vehicle.model", &v.model, 1, 60)) {
        v.model = model;
    }
    if !(MIN_YEAR..=this_year + 1).contains(&v.year) {
        errors.push("vehicle.year", format!("must be {MIN_YEAR} to {}", this_year + 1));
    }
    if v.mileage_km > MAX_MILEAGE_KM {
        errors.push("vehicle.mileageKm", format!("must be at most {MAX_MILEAGE_KM}"));
    }
    if let Some(color) = &v.color
        && let Some(color) = errors.take(text("vehicle.color", color, 1, 30))
    {
        v.color = Some(color);
    }
    if let Some(vin) = &v.vin {
        let vin = vin.trim().to_uppercase();
        // 17 characters, digits and capitals without I, O and Q (ISO 3779).
        if vin.len() == 17
            && vin.bytes().all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"IOQ".contains(&b)))
        {
            v.vin = Some(vin);
        } else {
            errors.push("vehicle.vin", "must be a 17-character VIN");
        }
    }
}

fn check_part(part: &mut Part, this_year: u16, errors: &mut FieldErrors) {
    if let Some(oem) = &part.oem_number
        && let Some(oem) = errors.take(text("part.oemNumber", oem, 1, 40))
    {
        part.oem_number = Some(oem);
    }
    if part.compatible_with.len() > MAX_COMPATIBLE {
        errors.push("part.compatibleWith", format!("must list at most {MAX_COMPATIBLE} vehicles"));
    }
    for (i, fit) in part.compatible_with.iter_mut().enumerate() {
        let Compatibility { make, model, year_from, year_to } = fit;
        if let Some(m) = errors.take(text(&format!("part.compatibleWith[{i}].make"), make, 1, 60)) {
            *make = m;
        }
        if let Some(m) = errors.take(text(&format!("part.compatibleWith[{i}].model"), model, 1, 60)) {
            *model = m;
        }
        if *year_from < MIN_YEAR || *year_to > this_year + 1 || year_from > year_to {
            errors.push(
                format!("part.compatibleWith[{i}]"),
                format!("years must satisfy {MIN_YEAR} <= yearFrom <= yearTo <= {}", this_year + 1),
            );
        }
    }
}

/// An image a browser can fetch from the public internet: https, a DNS name (no address literal, no
/// port, no credentials), and not a name that only means something inside a network. The server
/// never fetches these, but buyers' browsers do and so may an image pipeline, so a listing must not
/// point either at a metadata endpoint or an intranet host.
fn is_https_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    url.len() <= 2048 && is_public_dns_name(&host) && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Names under these suffixes never resolve on the public internet (RFC 6761, 6762, 8375 and the
/// cloud providers' internal zones).
const PRIVATE_SUFFIXES: &[&str] = &["localhost", "local", "internal", "home.arpa", "arpa", "lan", "intranet", "corp"];

fn is_public_dns_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let well_formed = labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    // A top-level label that is all digits makes the host an address (`169.254.169.254`, `10.1`).
    let top = labels.last().copied().unwrap_or_default();
    let private = PRIVATE_SUFFIXES.iter().any(|suffix| host == *suffix || host.ends_with(&format!(".{suffix}")));
    well_formed && !top.bytes().all(|b| b.is_ascii_digit()) && !private
}

#[cfg(test)]
mod tests {
    use super::is_https_url;

    #[test]
    fn public_https_images_are_accepted() {
        for url in [
            "https://cdn.souk-el-sayarat.com/p/1.jpg",
            "https://images.example.com/a/b.webp?w=800#top",
            "https://S3.eu-south-1.amazonaws.com/bucket/car.png",
        ] {
            assert!(is_https_url(url), "{url}");
        }
    }

    #[test]
    fn addresses_internal_names_ports_and_credentials_are_refused() {
        for url in [
            "http://cdn.example.com/1.jpg",
            "https://169.254.169.254/latest/meta-data/",
            "https://127.0.0.1/x.jpg",
            "https://10.0.0.1/x.jpg",
            "https://0x7f.0.0.1/x.jpg",
            "https://[::1]/x.jpg",
            "https://localhost/x.jpg",
            "https://api.localhost/x.jpg",
            "https://metadata.google.internal/computeMetadata/v1/",
            "https://printer.local/x.jpg",
            "https://router.home.arpa/x.jpg",
            "https://cdn.example.com:8443/x.jpg",
            "https://user:pass@cdn.example.com/x.jpg",
            "https://-bad.example.com/x.jpg",
            "https://cdn..example.com/x.jpg",
            "https://cdn.example.com/a b.jpg",
        ] {
            assert!(!is_https_url(url), "{url}");
        }
    }
}
