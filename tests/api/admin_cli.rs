//! `souk-admin`, the operator's commands, against DynamoDB Local.

use clap::Parser;
use souk_tests::accounts::{PASSWORD, Session};
use souk_tests::{TestMarketplace, database};

async fn admin_cli(args: &[&str], stdin: &str) -> Result<String, String> {
    let cli = souk_admin::Cli::try_parse_from(std::iter::once("souk-admin").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    souk_admin::run(cli, stdin.as_bytes(), &mut out).await.map_err(|e| e.to_string())?;
    Ok(String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn create_admin_makes_a_new_account_or_promotes_an_existing_one() {
    let market = TestMarketplace::spawn().await;
    let table = format!("{}UsersTable", market.table_prefix);
    let endpoint = database::endpoint().await;
    let args = |email: &'static str| {
        ["create-admin", "--email", email, "--users-table", &table, "--dynamodb-endpoint", &endpoint].map(str::to_owned)
    };

    let created =
        admin_cli(&args("ops@souk.test").iter().map(String::as_str).collect::<Vec<_>>(), &format!("{PASSWORD}\n"))
            .await
            .unwrap();
    assert!(created.starts_with("created admin ops@souk.test"), "{created}");
    let ops = Session::from_response(&market.login("ops@souk.test", PASSWORD).await);
    assert_eq!((ops.user["role"].as_str(), ops.user["emailVerified"].as_bool()), (Some("admin"), Some(true)));

    let customer = market.verified_customer("later-admin@example.com").await;
    let promoted = admin_cli(
        &args("later-admin@example.com").iter().map(String::as_str).collect::<Vec<_>>(),
        "ignored-for-existing-accounts-1A!\n",
    )
    .await
    .unwrap();
    assert!(promoted.contains("is now a verified admin"), "{promoted}");
    let again = Session::from_response(&market.login("later-admin@example.com", PASSWORD).await);
    assert_eq!(again.user_id(), customer.user_id());
    assert_eq!(again.user["role"], "admin");

    let weak = admin_cli(&args("weak@souk.test").iter().map(String::as_str).collect::<Vec<_>>(), "password\n").await;
    assert!(weak.unwrap_err().contains("password"), "the password policy applies to admins too");
}

#[tokio::test]
async fn keygen_prints_a_usable_key_pair() {
    let out = admin_cli(&["keygen"], "").await.unwrap();
    let public = out.lines().next().unwrap().rsplit(' ').next().unwrap();
    let private = out.lines().nth(2).unwrap().split('\'').nth(1).unwrap();
    let issuer = shared::accounts::tokens::TokenIssuer::from_private_base64("K", private).unwrap();
    let verifier = shared::accounts::tokens::TokenVerifier::from_public_base64("P", public).unwrap();
    let user = shared::accounts::User {
        id: shared::ids::UserId::new(),
        email: shared::accounts::Email::parse("k@example.com").unwrap(),
        name: shared::accounts::PersonName::parse("K").unwrap(),
        phone: None,
        role: shared::accounts::Role::Customer,
        email_verified: false,
        preferences: Default::default(),
        created_at: shared::clock::Timestamp::now(),
    };
    let now = shared::clock::Timestamp::now();
    assert!(verifier.verify(&issuer.issue(&user, now).token, now).is_ok());
}
