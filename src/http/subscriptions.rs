//! GraphQL subscriptions over WebSocket at `/graphql/ws` (the
//! `graphql-transport-ws` protocol, or the older `graphql-ws`). A browser
//! cannot set headers on a WebSocket, so the key travels in the
//! `connection_init` payload: `{"Authorization": "Bearer <key>"}`.

use std::sync::Arc;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_poem::{GraphQLProtocol, GraphQLWebSocket};
use poem::web::websocket::WebSocket;
use poem::web::Data;
use poem::{handler, IntoResponse};

use super::auth::authenticate_bearer;
use super::AppState;
use crate::error::AppError;
use crate::graphql;

#[handler]
pub async fn endpoint(
    state: Data<&Arc<AppState>>,
    protocol: GraphQLProtocol,
    websocket: WebSocket,
) -> impl IntoResponse {
    let state = state.0.clone();
    websocket
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            let store = state.store.clone();
            GraphQLWebSocket::new(stream, graphql::CodedSchema(state.schema.clone()), protocol)
                .on_connection_init(move |payload: serde_json::Value| async move {
                    let header = ["Authorization", "authorization"]
                        .iter()
                        .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
                        .ok_or_else(|| {
                            AppError::Unauthenticated(
                                "send the key in connection_init: {\"Authorization\": \"Bearer <key>\"}".into(),
                            )
                        })
                        .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                    let principal = authenticate_bearer(&store, header)
                        .await
                        .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                    Ok(graphql::session_data(store, principal))
                })
                .serve()
        })
}
