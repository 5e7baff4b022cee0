//! The application: built from a store and settings, bound to a port (0 in
//! tests), run until a shutdown signal. `main` and the tests start the very
//! same thing.

use std::future::Future;
use std::io;
use std::sync::Arc;

use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::Server;

use crate::config::ServerSettings;
use crate::http::{routes, AppState};
use crate::store::Store;

pub struct App {
    acceptor: TcpAcceptor,
    port: u16,
    state: Arc<AppState>,
}

impl App {
    pub async fn build(store: Store, settings: ServerSettings) -> io::Result<Self> {
        let acceptor = TcpListener::bind(settings.bind).into_acceptor().await?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .ok_or_else(|| io::Error::other("the listener has no socket address"))?;
        let state = Arc::new(AppState::new(store, settings));
        Ok(Self {
            acceptor,
            port,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish
    /// (up to the configured grace period).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let grace = self.state.settings.shutdown_grace;
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(routes(self.state), shutdown, Some(grace))
            .await
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
