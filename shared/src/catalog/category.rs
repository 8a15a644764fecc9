//! Categories. The standard set is part of the domain: every deployment and every local start seeds
//! it, and listing filters are checked against it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedName {
    pub en: String,
    pub ar: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    /// Stable across deployments, so seeding is idempotent and clients may keep ids.
    pub id: String,
    pub slug: String,
    pub name: LocalizedName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// (slug, English, Arabic, parent slug), in display order.
const STANDARD: &[(&str, &str, &str, Option<&str>)] = &[
    ("cars", "Cars", "سيارات", None),
    ("motorcycles", "Motorcycles", "دراجات نارية", None),
    ("spare-parts", "Spare parts", "قطع غيار", None),
    ("engine-parts", "Engine parts", "قطع غيار المحرك", Some("spare-parts")),
    ("brakes-suspension", "Brakes & suspension", "الفرامل والعفشة", Some("spare-parts")),
    ("electrical", "Electrical & lighting", "الكهرباء والإضاءة", Some("spare-parts")),
    ("body-parts", "Body parts", "قطع الصاج والهيكل", Some("spare-parts")),
    ("accessories", "Accessories", "إكسسوارات", None),
    ("tires-wheels", "Tires & wheels", "إطارات وجنوط", None),
    ("oils-fluids", "Oils & fluids", "زيوت وسوائل", None),
];

/// Bumped whenever [`STANDARD`] changes, so a seed run updates what an older one wrote.
pub const STANDARD_REVISION: u32 = 1;

/// The id of the category whose products must describe a vehicle.
pub const CARS: &str = "cars";

pub fn standard() -> Vec<Category> {
    STANDARD
        .iter()
        .map(|(slug, en, ar, parent)| Category {
            id: (*slug).to_owned(),
            slug: (*slug).to_owned(),
            name: LocalizedName { en: (*en).to_owned(), ar: (*ar).to_owned() },
            parent_id: parent.map(str::to_owned),
        })
        .collect()
}

pub fn is_standard(id: &str) -> bool {
    STANDARD.iter().any(|(slug, ..)| *slug == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parent_is_a_standard_category_listed_before_its_children() {
        let all = standard();
        for (i, category) in all.iter().enumerate() {
            if let Some(parent) = &category.parent_id {
                assert!(all[..i].iter().any(|c| &c.id == parent), "{} has unknown parent", category.id);
            }
        }
    }
}
