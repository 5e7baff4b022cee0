mod bad_input;
mod capacity;
mod helpers;
mod n_plus_one;
mod pagination;
mod roles;
mod schema;
mod services;
