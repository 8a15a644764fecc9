use clap::Parser;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    souk_admin::run(souk_admin::Cli::parse(), std::io::stdin().lock(), &mut std::io::stdout()).await
}
