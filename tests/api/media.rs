//! Product photos and vendors' documents, uploaded as a client does (a presigned PUT to the
//! runner's S3, played by moto server) and checked by `onUploadReceived`: published without their
//! EXIF, refused for what they really are, their size or their pixels, attached only by their
//! owner, and documents readable by the applicant and admins only.

use std::time::Duration;

use serde_json::{Value, json};
use shared::clock::Timestamp;
use souk_tests::accounts::Session;
use souk_tests::images::{bomb_png, has_exif, jpeg_dimensions, jpeg_with_gps, pdf, png, webp};
use souk_tests::products::car_body;
use souk_tests::vendors::application;
use souk_tests::{TestMarketplace, eventually};

const MIB: usize = 1024 * 1024;

async fn photo(market: &TestMarketplace, vendor: &Session, bytes: &[u8]) -> Value {
    market.uploaded(vendor, "product_image", "image/jpeg", bytes).await
}

/// A car whose only image is `image` (a URL or `upload:<id>`).
fn car_with_image(image: &str) -> Value {
    let mut body = car_body("تويوتا كورولا ٢٠١٩", "Toyota", "Corolla", 2019, 650_000);
    body["images"] = json!([image]);
    body
}

#[tokio::test]
async fn a_photo_is_published_without_its_gps_in_three_widths_and_shown_by_a_product() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("dealer@example.com").await;
    let original = jpeg_with_gps(2_000, 1_500);
    assert!(has_exif(&original), "the photo as taken carries EXIF with GPS");

    let upload = photo(&market, &vendor, &original).await;
    assert_eq!(upload["status"], "ready", "{upload}");
    for (width, height) in [(320, 240), (800, 600), (1_600, 1_200)] {
        let url = upload["urls"][width.to_string()].as_str().expect("a rendition URL");
        let served = market.fetch(url).await;
        assert_eq!(served.status, 200, "{url} {}", String::from_utf8_lossy(&served.body));
        assert_eq!(served.header("content-type"), Some("image/jpeg"));
        assert!(!has_exif(&served.body), "{url} carries no EXIF");
        assert_eq!(jpeg_dimensions(&served.body), (width, height), "{url}");
    }

    let id = upload["id"].as_str().unwrap();
    let created = market.create_product(&vendor, &car_with_image(&format!("upload:{id}"))).await;
    assert_eq!(created.status, 201, "{}", String::from_utf8_lossy(&created.body));
    let shown = market.get(&format!("/api/products/{}", created.json()["id"].as_str().unwrap())).await.json();
    assert_eq!(shown["images"], json!([upload["urls"]["1600"]]));
    assert_eq!(shown["thumbnails"], json!([upload["urls"]["320"]]));

    // An outside image is its own thumbnail.
    let outside = "https://images.souk-el-sayarat.com/p/2.jpg";
    let created = market.create_product(&vendor, &car_with_image(outside)).await.json();
    assert_eq!((created["images"].clone(), created["thumbnails"].clone()), (json!([outside]), json!([outside])));
}

#[tokio::test]
async fn a_webp_or_png_photo_is_published_as_jpeg_renditions() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("webp-dealer@example.com").await;
    for (content_type, bytes) in [("image/webp", webp(1_000, 750)), ("image/png", png(400, 300))] {
        let upload = market.uploaded(&vendor, "product_image", content_type, &bytes).await;
        assert_eq!(upload["status"], "ready", "{content_type}: {upload}");
        let small = market.fetch(upload["urls"]["320"].as_str().unwrap()).await;
        assert_eq!((small.status.as_u16(), small.header("content-type")), (200, Some("image/jpeg")), "{content_type}");
        assert_eq!(jpeg_dimensions(&small.body), (320, 240), "{content_type}");
        // Never upscaled: the widest rendition of a 400-pixel photo is 400 pixels wide.
        let large = market.fetch(upload["urls"]["1600"].as_str().unwrap()).await;
        let expected = if content_type == "image/png" { (400, 300) } else { (1_000, 750) };
        assert_eq!(jpeg_dimensions(&large.body), expected, "{content_type}");
    }
}

#[tokio::test]
async fn files_that_are_not_what_they_were_declared_as_are_rejected_with_their_reason() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("dealer@example.com").await;

    let renamed_png = market.uploaded(&vendor, "product_image", "image/jpeg", &png(64, 64)).await;
    assert_eq!(
        (renamed_png["status"].as_str(), renamed_png["reason"].as_str()),
        (Some("rejected"), Some("type_mismatch"))
    );
    assert!(renamed_png["detail"].as_str().unwrap().contains("PNG"), "{renamed_png}");
    assert!(renamed_png.get("urls").is_none());

    let text = b"not a picture at all, just words".repeat(10);
    let text_as_png = market.uploaded(&vendor, "product_image", "image/png", &text).await;
    assert_eq!(text_as_png["reason"], "type_mismatch", "{text_as_png}");

    // Damaged: a JPEG's first bytes and then nothing of an image.
    let mut damaged = jpeg_with_gps(64, 64)[..40].to_vec();
    damaged.extend_from_slice(&[0u8; 200]);
    assert_eq!(photo(&market, &vendor, &damaged).await["reason"], "undecodable");
}

#[tokio::test]
async fn oversize_files_and_decompression_bombs_are_refused_from_their_size_and_header() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("dealer@example.com").await;
    let too_big = market.request_upload(&vendor, "product_image", "image/jpeg", 10 * MIB + 1).await;
    assert_eq!(too_big.error_fields(), ["size"]);

    // More bytes than were declared (S3 refuses them, its PUT being signed for the length; the
    // check refuses them too).
    let bytes = jpeg_with_gps(300, 200);
    let requested = market.request_upload(&vendor, "product_image", "image/jpeg", bytes.len() - 100).await.json();
    assert_eq!(market.put_upload(&requested, &bytes).await.status, 200);
    let longer = market.settled_upload(&vendor, requested["id"].as_str().unwrap()).await;
    assert_eq!(longer["reason"], "size_mismatch", "{longer}");

    // A few hundred bytes that declare 50,000 × 50,000 pixels: 7.5 GB as RGB.
    let bomb = bomb_png();
    assert!(bomb.len() < 4096);
    let refused = market.uploaded(&vendor, "product_image", "image/png", &bomb).await;
    assert_eq!(refused["reason"], "too_many_pixels", "{refused}");
}

#[tokio::test]
async fn only_the_owner_can_attach_an_upload_and_only_once_it_is_ready() {
    let market = TestMarketplace::spawn().await;
    let owner = market.approved_vendor("owner@example.com").await;
    let other = market.approved_vendor("other@example.com").await;
    let upload = photo(&market, &owner, &jpeg_with_gps(400, 300)).await;
    let reference = format!("upload:{}", upload["id"].as_str().unwrap());

    let stolen = market.create_product(&other, &car_with_image(&reference)).await;
    assert_eq!(stolen.error_fields(), ["images[0]"]);
    // Nothing was written: the owner's product list holds nothing of the other vendor's.
    let mine = market.new_product(&other, "Kia of the other vendor", 1, 300_000).await;
    let patched = market.patch_product(&other, &mine, &json!({ "images": [reference] }), None).await;
    assert_eq!(patched.error_fields(), ["images[0]"]);

    // Requested but never sent: not ready, so not usable by its owner either.
    let pending = market.request_upload(&owner, "product_image", "image/jpeg", 1000).await.json();
    let pending = format!("upload:{}", pending["id"].as_str().unwrap());
    assert_eq!(market.create_product(&owner, &car_with_image(&pending)).await.error_fields(), ["images[0]"]);
    // A document is not a photo.
    let document = market.uploaded(&owner, "application_document", "application/pdf", &pdf()).await;
    let document = format!("upload:{}", document["id"].as_str().unwrap());
    assert_eq!(market.create_product(&owner, &car_with_image(&document)).await.error_fields(), ["images[0]"]);

    assert_eq!(market.create_product(&owner, &car_with_image(&reference)).await.status, 201);
    // Another user cannot even see the upload.
    let path = format!("/api/uploads/{}", upload["id"].as_str().unwrap());
    market.get_as(&other.access_token, &path).await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn documents_are_readable_by_the_applicant_and_admins_only() {
    let market = TestMarketplace::spawn().await;
    let applicant = market.verified_customer("applicant@example.com").await;
    let document = market.uploaded(&applicant, "application_document", "application/pdf", &pdf()).await;
    assert_eq!(document["status"], "ready", "{document}");
    assert!(document.get("urls").is_none(), "a document has no public URL");
    let document_id = document["id"].as_str().unwrap();

    let stranger = market.verified_customer("stranger@example.com").await;
    let mut body = application();
    body["documents"] = json!([format!("upload:{document_id}")]);
    assert_eq!(market.apply(&stranger, &body).await.error_fields(), ["documents[0]"]);
    let submitted = market.apply(&applicant, &body).await;
    assert_eq!(submitted.status, 201, "{}", String::from_utf8_lossy(&submitted.body));
    let application = submitted.json()["application"].clone();
    assert_eq!(application["documents"], json!([document_id]));

    let path = format!("/api/vendor-applications/{}/documents/{document_id}", application["id"].as_str().unwrap());
    for reader in [&applicant, &market.admin().await] {
        let found = market.get_as(&reader.access_token, &path).await;
        assert_eq!(found.status, 302);
        let url = found.header("location").expect("a presigned URL").to_owned();
        assert!(url.contains("X-Amz-Signature=") && url.contains("X-Amz-Expires=300"), "{url}");
        let read = market.fetch(&url).await;
        assert_eq!((read.status.as_u16(), read.body.as_ref()), (200, pdf().as_slice()));
    }
    for outsider in [&stranger, &market.approved_vendor("dealer@example.com").await] {
        market.get_as(&outsider.access_token, &path).await.assert_problem(404, "not_found");
    }
    // Documents are never public, whatever the path.
    let guessed = format!("/_local/media/../documents/{document_id}.pdf");
    assert_eq!(market.get(&guessed).await.status, 404);
}

#[tokio::test]
async fn who_may_upload_what() {
    let market = TestMarketplace::spawn().await;
    let customer = market.verified_customer("customer@example.com").await;
    let unverified = market.unverified_customer("new@example.com").await;
    let vendor = market.approved_vendor("dealer@example.com").await;
    market.request_upload(&customer, "product_image", "image/jpeg", 1000).await.assert_problem(403, "forbidden");
    let document = market.request_upload(&unverified, "application_document", "application/pdf", 1000).await;
    document.assert_problem(403, "email_not_verified");
    assert_eq!(
        market.request_upload(&vendor, "product_image", "image/gif", 1000).await.error_fields(),
        ["contentType"]
    );
    let pdf_photo = market.request_upload(&vendor, "product_image", "application/pdf", 1000).await;
    assert_eq!(pdf_photo.error_fields(), ["contentType"]);
    let requested = market.request_upload(&vendor, "product_image", "image/webp", 1000).await;
    assert_eq!(requested.status, 201);
    let requested = requested.json();
    assert_eq!(requested["headers"]["content-type"], "image/webp");
    assert!(requested["uploadUrl"].as_str().unwrap().contains("X-Amz-Expires=900"), "{requested}");
    let anonymous = json!({ "purpose": "product_image", "contentType": "image/jpeg", "size": 10 });
    market.post("/api/uploads", &anonymous).await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn at_most_a_hundred_uploads_wait_at_once_and_abandoned_ones_stop_counting() {
    let _turn = souk_tests::heavy_turn().await;
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("dealer@example.com").await;
    // As a client does, each request is repeated while it answers 503 (a busy counter).
    let request = || async {
        loop {
            let answer = market.request_upload(&vendor, "product_image", "image/jpeg", 1000).await;
            if answer.status != 503 {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let answers = futures::future::join_all((0..110).map(|_| request())).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    let limited = answers.iter().filter(|a| a.status == 429).count();
    // A 503 may come after the upload was stored (the database answered too late); the retry is
    // then another upload, so a few of the 100 may have been answered 503 rather than 201. Every
    // request ends created or refused, and exactly 100 are stored, never a 101st.
    assert_eq!(created + limited, 110, "every request created or refused");
    assert!(created <= 100, "{created} created");
    assert_eq!(market.pending_uploads_of(vendor.user_id()).await, 100, "exactly the limit stored");
    market.request_upload(&vendor, "product_image", "image/jpeg", 1000).await.assert_problem(429, "rate_limited");

    // Their URLs expired long ago and nothing came: they are given up, and room is made.
    market.clock.advance(Duration::from_secs(30 * 60));
    let vendor = market.refreshed(&vendor).await;
    assert_eq!(market.request_upload(&vendor, "product_image", "image/jpeg", 1000).await.status, 201);
    let first = answers.iter().find(|a| a.status == 201).unwrap().json();
    let given_up =
        market.get_as(&vendor.access_token, &format!("/api/uploads/{}", first["id"].as_str().unwrap())).await;
    assert_eq!(given_up.json()["reason"], "not_received");
}

#[tokio::test]
async fn a_repeated_event_changes_nothing_and_an_unused_upload_goes_with_its_files() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("dealer@example.com").await;
    let bytes = jpeg_with_gps(400, 300);
    let requested = market.request_upload(&vendor, "product_image", "image/jpeg", bytes.len()).await.json();
    assert_eq!(market.put_upload(&requested, &bytes).await.status, 200);
    let id = requested["id"].as_str().unwrap();
    let ready = market.settled_upload(&vendor, id).await;
    assert_eq!(ready["status"], "ready");
    // S3 delivers at least once: the same object again is a second event for a settled upload.
    assert_eq!(market.put_upload(&requested, &png(10, 10)).await.status, 200);
    let rendition = ready["urls"]["320"].as_str().unwrap().to_owned();
    let quarantined = format!("/_local/s3/{}/quarantine/{id}", market.marketplace.buckets["MediaBucket"]);
    eventually("the repeated file leaves quarantine", || async { market.get(&quarantined).await.status == 404 }).await;
    assert_eq!(market.settled_upload(&vendor, id).await, ready, "the upload is unchanged");
    assert_eq!(jpeg_dimensions(&market.fetch(&rendition).await.body), (320, 240));

    // Unused, it is removed by the table's TTL seven days after it was requested; here the test
    // removes it as TTL would, and its files go with it.
    let item = market.upload_item(id).await;
    let requested_at: Timestamp = ready["createdAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(item["expiresAt"], json!((requested_at.unix_seconds() + 7 * 24 * 3600).to_string()));
    market.remove_upload_item(id).await;
    for width in ["320", "800", "1600"] {
        let url = ready["urls"][width].as_str().unwrap().to_owned();
        eventually(&format!("{url} deleted"), || async { market.fetch(&url).await.status == 404 }).await;
    }

    // Used, it is kept: using it removed its expiry.
    let used = photo(&market, &vendor, &bytes).await;
    let used_id = used["id"].as_str().unwrap();
    assert_eq!(market.create_product(&vendor, &car_with_image(&format!("upload:{used_id}"))).await.status, 201);
    assert!(market.upload_item(used_id).await.get("expiresAt").is_none());
}
