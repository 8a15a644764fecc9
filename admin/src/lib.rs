//! `souk-admin`: what an operator does once per deployment, outside any request path.
//!
//! - `keygen`: a new Ed25519 key pair for access tokens. The private key goes into the SSM
//!   SecureString parameter login and refresh read; the public key is the `JwtPublicKey` parameter.
//! - `create-admin`: makes sure an account is a verified admin, with the operator's own AWS
//!   credentials (the API has no way to create admins, by design).

use std::io::BufRead;

use clap::{Parser, Subcommand};
use shared::accounts::tokens::KeyPair;
use shared::accounts::{Email, Password};
use shared::config::{Config, vars};
use shared::db::UserRepo;
use shared::services::admin_bootstrap::{AdminBootstrap, ensure_admin};
use shared::tables::Table;

#[derive(Parser)]
#[command(name = "souk-admin", about = "Operator commands for a deployed Souk El-Sayarat")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prints a new access-token key pair.
    Keygen,
    /// Makes sure EMAIL has a verified admin account; the password is read from stdin.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// The users table (stack output `UsersTableName`).
        #[arg(long)]
        users_table: String,
        /// Use this DynamoDB endpoint instead of AWS (DynamoDB Local).
        #[arg(long)]
        dynamodb_endpoint: Option<String>,
    },
}

/// Runs the command, writing its report to `out`. The password never appears in `args`, where
/// shell history and process listings would keep it.
pub async fn run(
    cli: Cli,
    stdin: impl BufRead,
    out: &mut impl std::io::Write,
) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Keygen => {
            let keys = KeyPair::generate();
            writeln!(out, "JwtPublicKey (stack parameter): {}", keys.public_base64)?;
            writeln!(out, "Private key (store it, then forget it):")?;
            writeln!(
                out,
                "  aws ssm put-parameter --type SecureString --name /souk/jwt-private-key --value '{}'",
                keys.private_pkcs8_base64
            )?;
        }
        Command::CreateAdmin { email, users_table, dynamodb_endpoint } => {
            let email = Email::parse(&email).map_err(|e| format!("--email {e}"))?;
            let password = stdin.lines().next().ok_or("no password on stdin")??;
            let password =
                Password::parse(password.trim_end(), &[email.as_str()]).map_err(|e| format!("password {e}"))?;
            let mut config = Config::default().with(Table::Users.env_var(), users_table);
            if let Some(endpoint) = dynamodb_endpoint {
                config = config.with(vars::DYNAMODB_ENDPOINT, endpoint);
            }
            let app = shared::App::new(config).await;
            let users = UserRepo::new(&app.database())?;
            match ensure_admin(&users, &email, &password, app.clock.now()).await? {
                AdminBootstrap::Created(id) => writeln!(out, "created admin {email} ({id})")?,
                AdminBootstrap::Promoted(id) => writeln!(out, "{email} ({id}) is now a verified admin")?,
            }
        }
    }
    Ok(())
}
