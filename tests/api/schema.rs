//! The committed SDL is the schema the code builds.

#[test]
fn the_committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let committed =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let built = headroom::graphql::sdl();
    if committed == built {
        return;
    }
    let first_difference = committed
        .lines()
        .zip(built.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| committed.lines().count().min(built.lines().count()));
    panic!(
        "schema.graphql differs from the schema the code builds (first at line {}: committed {:?}, built {:?}); \
         run `cargo run -- schema --output schema.graphql` and commit the result",
        first_difference + 1,
        committed.lines().nth(first_difference).unwrap_or("<end of file>"),
        built.lines().nth(first_difference).unwrap_or("<end of file>"),
    );
}
