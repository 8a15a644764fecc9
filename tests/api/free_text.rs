//! Free text is visible text: invisible characters and bidi overrides are refused in every text
//! field, and so is text that would be empty without them.

use serde_json::json;
use souk_tests::TestMarketplace;
use souk_tests::products::car_body;

const ZERO_WIDTH: &str = "\u{200B}\u{200B}\u{200B}";
/// Shows "Toyota" reversed after it: a title that reads differently than it sorts and searches.
const RIGHT_TO_LEFT_OVERRIDE: &str = "Toyota \u{202E}alorroC";

#[tokio::test]
async fn product_titles_refuse_invisible_and_bidi_formatting_characters() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("invisible@example.com").await;
    for title in [ZERO_WIDTH, RIGHT_TO_LEFT_OVERRIDE, "Toyota\u{2066}Corolla\u{2069}", "Kia\u{FEFF} Rio"] {
        let created = market.create_product(&vendor, &car_body(title, "Toyota", "Corolla", 2019, 500_000)).await;
        assert_eq!(created.error_fields(), ["title"], "{title:?}");
    }
    let mut description = car_body("Toyota Corolla", "Toyota", "Corolla", 2019, 500_000);
    description["description"] = json!("نظيفة\u{200F}جداً");
    assert_eq!(market.create_product(&vendor, &description).await.error_fields(), ["description"]);
    let plain = market.create_product(&vendor, &car_body("تويوتا كورولا ٢٠١٩", "Toyota", "Corolla", 2019, 1)).await;
    assert_eq!(plain.status, 201, "Arabic text and digits are fine");
}

#[tokio::test]
async fn names_refuse_invisible_text() {
    let market = TestMarketplace::spawn().await;
    let register = |name: &'static str| {
        let market = &market;
        async move { market.register("ghost@example.com", "Kh@lid-Corolla-2019", name).await }
    };
    assert_eq!(register(ZERO_WIDTH).await.error_fields(), ["name"]);
    assert_eq!(register("Mona \u{202E}nassaH").await.error_fields(), ["name"]);
    assert_eq!(register("منى حسن").await.status, 201);
}
