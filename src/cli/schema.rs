//! `headroom schema`: print the SDL (the content of `schema.graphql`).

use std::path::PathBuf;

use crate::error::{AppError, AppResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> AppResult<()> {
    let sdl = crate::graphql::sdl();
    match args.output {
        Some(path) => std::fs::write(&path, sdl)
            .map_err(|e| AppError::Internal(format!("cannot write {}: {e}", path.display()))),
        None => {
            print!("{sdl}");
            Ok(())
        }
    }
}
