use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    headroom::cli::main(headroom::cli::Cli::parse()).await
}
