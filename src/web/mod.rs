//! The axum application: right-to-left Arabic pages over a loaded archive.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

/// `arshif serve` options; each flag also reads an environment variable.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ARSHIF_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Folder of `.txt` dumps to serve (built first when the compiled archive is stale).
    #[arg(long, env = "ARSHIF_ARTICLES", default_value = "articles")]
    pub articles: PathBuf,
    /// Folder of the compiled archive.
    #[arg(long, env = "ARSHIF_BUILD_DIR", default_value = crate::archive::DEFAULT_BUILD_DIR)]
    pub build_dir: PathBuf,
}

/// Loads (or builds) the archive and serves it until interrupted.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let _ = args;
    anyhow::bail!("serving is not implemented yet")
}
