//! What authentication costs: the password policy's guess estimate and the argon2id hash a
//! registration pays, the argon2id verification a login pays once, and the Ed25519 access-token
//! verification every authenticated request pays.
//!
//! `cargo bench -p souk-benches --bench crypto`

use criterion::{Criterion, criterion_group, criterion_main};
use shared::accounts::tokens::{KeyPair, TokenIssuer, TokenVerifier};
use shared::accounts::{Email, Password, PersonName, Role, User};
use shared::clock::Timestamp;
use shared::ids::UserId;

fn user() -> User {
    User {
        id: UserId::new(),
        email: Email::parse("mona@example.com").unwrap(),
        name: PersonName::parse("منى حسن").unwrap(),
        phone: None,
        role: Role::Customer,
        email_verified: true,
        preferences: Default::default(),
        created_at: Timestamp::now(),
    }
}

fn passwords(c: &mut Criterion) {
    let known = ["mona.hassan@example.com", "mona", "hassan", "example", "Mona Hassan"];
    let longest: String = "Zq8!vN3#pL6&wR1^".repeat(8);
    // The first check of an instance also inflates and indexes the word list, once.
    let started = std::time::Instant::now();
    Password::parse("Kh@lid-Corolla-2019", &known).unwrap();
    println!("password/policy_check, the first of the process: {:.2?}", started.elapsed());
    let mut group = c.benchmark_group("password");
    group.bench_function("policy_check", |b| b.iter(|| Password::parse("Kh@lid-Corolla-2019", &known).unwrap()));
    group.bench_function("policy_check_128_chars", |b| b.iter(|| Password::parse(&longest, &known).unwrap()));
    let password = Password::parse("Kh@lid-Corolla-2019", &[]).unwrap();
    let hash = password.hash();
    group.sample_size(20);
    group.bench_function("argon2id_hash", |b| b.iter(|| password.hash()));
    group.bench_function("argon2id_verify", |b| b.iter(|| assert!(hash.verify(&password))));
    group.finish();
}

fn tokens(c: &mut Criterion) {
    let keys = KeyPair::generate();
    let issuer = TokenIssuer::from_private_base64("K", &keys.private_pkcs8_base64).unwrap();
    let verifier = TokenVerifier::from_public_base64("P", &keys.public_base64).unwrap();
    let user = user();
    let now = Timestamp::now();
    let token = issuer.issue(&user, now).token;
    let mut group = c.benchmark_group("access_token");
    group.bench_function("issue", |b| b.iter(|| issuer.issue(&user, now)));
    group.bench_function("verify", |b| b.iter(|| verifier.verify(&token, now).unwrap()));
    group.finish();
}

criterion_group!(benches, passwords, tokens);
criterion_main!(benches);
