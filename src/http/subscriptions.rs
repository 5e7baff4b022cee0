//! GraphQL subscriptions over WebSocket at `/graphql/ws` (the
//! `graphql-transport-ws` protocol, or the older `graphql-ws`). A browser
//! cannot set headers on a WebSocket, so the key travels in the
//! `connection_init` payload: `{"Authorization": "Bearer <key>"}`.
//!
//! A socket lives only as long as its key: every operation checks that the
//! key is still live and within its rate, and a timer checks between
//! operations. Once the key is revoked the socket is closed with 4401
//! (`graphql-transport-ws`' "Unauthorized"; clients do not reconnect
//! after it), ending every subscription on it.

use std::sync::{Arc, OnceLock};

use async_graphql::http::{WebSocket as GraphqlSocket, WsMessage, ALL_WEBSOCKET_PROTOCOLS};
use async_graphql_poem::GraphQLProtocol;
use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use poem::web::websocket::{Message, WebSocket};
use poem::web::Data;
use poem::{handler, IntoResponse};
use tokio::sync::Notify;

use super::auth::authenticate_bearer;
use super::AppState;
use crate::domain::access::Principal;
use crate::error::AppError;
use crate::graphql::{self, Admit, Limits, SocketExecutor};
use crate::store::keys;

/// The close code sent when the socket's key is revoked.
pub const REVOKED: u16 = 4401;

/// Admits each operation on one socket.
#[derive(Clone)]
struct KeyStillLive {
    state: Arc<AppState>,
    principal: Arc<OnceLock<Principal>>,
    revoked: Arc<Notify>,
}

impl Admit for KeyStillLive {
    fn admit(&self) -> BoxFuture<'static, Result<(), AppError>> {
        let this = self.clone();
        Box::pin(async move {
            let Some(p) = this.principal.get() else {
                return Err(AppError::Unauthenticated(
                    "send the key in connection_init first".into(),
                ));
            };
            if !keys::is_live(&this.state.store, p.key_id).await? {
                this.revoked.notify_one();
                return Err(AppError::Unauthenticated(
                    "that API key has been revoked".into(),
                ));
            }
            this.state.admission.take_token(p)
        })
    }
}

#[handler]
pub async fn endpoint(
    state: Data<&Arc<AppState>>,
    protocol: GraphQLProtocol,
    websocket: WebSocket,
) -> impl IntoResponse {
    let state = state.0.clone();
    websocket
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, protocol, socket))
}

async fn serve(
    state: Arc<AppState>,
    protocol: GraphQLProtocol,
    socket: poem::web::websocket::WebSocketStream,
) {
    let (mut sink, incoming) = socket.split();
    let principal = Arc::new(OnceLock::new());
    let revoked = Arc::new(Notify::new());
    let limits = Limits::of(&state.settings);
    let executor = SocketExecutor {
        schema: state.schemas.api.clone(),
        limits,
        admit: KeyStillLive {
            state: state.clone(),
            principal: principal.clone(),
            revoked: revoked.clone(),
        },
    };
    let incoming = incoming
        .take_while(|m| std::future::ready(m.is_ok()))
        .filter_map(|m| {
            std::future::ready(match m {
                Ok(m) if m.is_text() || m.is_binary() => Some(m.into_bytes()),
                _ => None,
            })
        });
    let init_state = state.clone();
    let init_principal = principal.clone();
    let mut outgoing = GraphqlSocket::new(executor, incoming, protocol.0).on_connection_init(
        move |payload: serde_json::Value| async move {
            let header = ["Authorization", "authorization"]
                .iter()
                .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
                .ok_or_else(|| {
                    async_graphql::Error::new(
                        "send the key in connection_init: {\"Authorization\": \"Bearer <key>\"}",
                    )
                })?;
            let p = authenticate_bearer(&init_state.store, header)
                .await
                .map_err(|e| async_graphql::Error::new(e.to_string()))?;
            let _ = init_principal.set(p.clone());
            Ok(graphql::session_data(&init_state.store, p, &limits))
        },
    );
    let mut timer = tokio::time::interval(state.settings.ws_key_check);
    loop {
        let message = tokio::select! {
            m = outgoing.next() => match m {
                Some(WsMessage::Text(text)) => Message::text(text),
                Some(WsMessage::Close(code, reason)) => {
                    let _ = sink.send(Message::close_with(code, reason)).await;
                    break;
                }
                None => break,
            },
            _ = revoked.notified() => break close_revoked(&mut sink).await,
            _ = timer.tick() => {
                let live = match principal.get() {
                    Some(p) => keys::is_live(&state.store, p.key_id).await.unwrap_or(true),
                    None => true,
                };
                if live {
                    continue;
                }
                break close_revoked(&mut sink).await;
            }
        };
        if sink.send(message).await.is_err() {
            break;
        }
    }
}

async fn close_revoked<S>(sink: &mut S)
where
    S: futures_util::Sink<Message> + Unpin,
{
    tracing::info!("closing a WebSocket whose API key was revoked");
    let _ = sink
        .send(Message::close_with(
            REVOKED,
            "the API key has been revoked".to_owned(),
        ))
        .await;
}
